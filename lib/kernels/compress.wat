;; The lists of nonzero entries that product.wat's spmm multiplies: compress
;; (a matrix's rows, or its transpose's) and compressColumns (a transpose,
;; read row by row). Not a module of its own: scripts/build-kernels.js puts
;; these functions where product.wat says "@include compress.wat".

  ;; The nonzero entries of a rows×cols matrix whose entry (r, c) is the f64 at
  ;; src + r·rs + c·cs (strides in bytes: rs = 8·cols, cs = 8 reads a stored
  ;; matrix; rs = 8, cs = 8·rows reads its transpose). Each entry becomes a
  ;; 16-byte record [value f64][c·bRow i32][unused] from address out on. Each
  ;; row is cut into blocks of kb columns (kb a multiple of 4): the i32
  ;; start[r·(nkb + 1) + b] (nkb = ⌈cols / kb⌉ blocks, at least 1) is the address
  ;; of the first record of block b of row r, and start[r·(nkb + 1) + nkb] the
  ;; end of row r's records (compressColumns keeps the same table).
  ;; A record is always written and `out` moves past it only for a nonzero
  ;; value: no branch to mispredict.
  (func $compress (export "compress")
    (param $src i32) (param $rows i32) (param $cols i32) (param $rs i32) (param $cs i32)
    (param $bRow i32) (param $kb i32) (param $start i32) (param $out i32)
    (local $r i32) (local $c i32) (local $at i32) (local $x f64) (local $slot i32) (local $blockEnd i32)
    (local.set $slot (local.get $start))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $at (i32.add (local.get $src) (i32.mul (local.get $r) (local.get $rs))))
        (local.set $c (i32.const 0))
        (loop $block
          (i32.store (local.get $slot) (local.get $out))
          (local.set $slot (i32.add (local.get $slot) (i32.const 4)))
          (local.set $blockEnd (i32.add (local.get $c) (local.get $kb)))
          (if (i32.gt_u (local.get $blockEnd) (local.get $cols)) (then (local.set $blockEnd (local.get $cols))))
          ;; A stored row (cs = 8) goes four entries at a time, and four zeros
          ;; side by side (a digit's border) are passed over in one step.
          (if (i32.eq (local.get $cs) (i32.const 8))
            (then
              (block $quads_done
                (loop $quad
                  (br_if $quads_done (i32.gt_u (i32.add (local.get $c) (i32.const 4)) (local.get $blockEnd)))
                  (if (v128.any_true (v128.or
                        (f64x2.ne (v128.load (local.get $at)) (v128.const f64x2 0 0))
                        (f64x2.ne (v128.load offset=16 (local.get $at)) (v128.const f64x2 0 0))))
                    (then
                      (local.set $x (f64.load offset=0 (local.get $at)))
                      (f64.store (local.get $out) (local.get $x))
                      (i32.store offset=8 (local.get $out) (i32.mul (i32.add (local.get $c) (i32.const 0)) (local.get $bRow)))
                      (local.set $out (i32.add (local.get $out) (i32.shl (f64.ne (local.get $x) (f64.const 0)) (i32.const 4))))
                      (local.set $x (f64.load offset=8 (local.get $at)))
                      (f64.store (local.get $out) (local.get $x))
                      (i32.store offset=8 (local.get $out) (i32.mul (i32.add (local.get $c) (i32.const 1)) (local.get $bRow)))
                      (local.set $out (i32.add (local.get $out) (i32.shl (f64.ne (local.get $x) (f64.const 0)) (i32.const 4))))
                      (local.set $x (f64.load offset=16 (local.get $at)))
                      (f64.store (local.get $out) (local.get $x))
                      (i32.store offset=8 (local.get $out) (i32.mul (i32.add (local.get $c) (i32.const 2)) (local.get $bRow)))
                      (local.set $out (i32.add (local.get $out) (i32.shl (f64.ne (local.get $x) (f64.const 0)) (i32.const 4))))
                      (local.set $x (f64.load offset=24 (local.get $at)))
                      (f64.store (local.get $out) (local.get $x))
                      (i32.store offset=8 (local.get $out) (i32.mul (i32.add (local.get $c) (i32.const 3)) (local.get $bRow)))
                      (local.set $out (i32.add (local.get $out) (i32.shl (f64.ne (local.get $x) (f64.const 0)) (i32.const 4))))
                    ))
                  (local.set $at (i32.add (local.get $at) (i32.const 32)))
                  (local.set $c (i32.add (local.get $c) (i32.const 4)))
                  (br $quad)))))
          (block $block_done
            (loop $col
              (br_if $block_done (i32.ge_u (local.get $c) (local.get $blockEnd)))
              (local.set $x (f64.load (local.get $at)))
              (f64.store (local.get $out) (local.get $x))
              (i32.store offset=8 (local.get $out) (i32.mul (local.get $c) (local.get $bRow)))
              (local.set $out (i32.add (local.get $out) (i32.shl (f64.ne (local.get $x) (f64.const 0)) (i32.const 4))))
              (local.set $at (i32.add (local.get $at) (local.get $cs)))
              (local.set $c (i32.add (local.get $c) (i32.const 1)))
              (br $col)))
          (br_if $block (i32.lt_u (local.get $c) (local.get $cols))))
        (i32.store (local.get $slot) (local.get $out))
        (local.set $slot (i32.add (local.get $slot) (i32.const 4)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; The lists compress makes of the transpose (rs = 8, cs = 8·ld), for the
  ;; rows×cols matrix at src whose rows are ld doubles apart (cols columns of a
  ;; stored rows×ld matrix): row c of the transpose is column c, and its
  ;; records are in row order. compress would walk down each column, one
  ;; cache line per entry; this reads the stored rows instead, eight columns
  ;; at a time (1.6× faster on a 100×784 digit batch), and passes over eight
  ;; zeros side by side in one step. Column c's records go to their own region,
  ;; room for `rows` of them from out + c·rows·16; the start table is compress's
  ;; (blocks of kb rows, kb a multiple of 4). The last cols mod 8 columns are
  ;; left to compress.
  (func $compressColumns (export "compressColumns")
    (param $src i32) (param $rows i32) (param $cols i32) (param $ld i32) (param $bRow i32) (param $kb i32) (param $start i32) (param $out i32)
    (local $g i32) (local $r i32) (local $at i32) (local $x f64) (local $nkb i32) (local $slot i32) (local $stride i32)
    (local $region i32) (local $blockLeft i32) (local $key i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32) (local $o4 i32) (local $o5 i32) (local $o6 i32) (local $o7 i32)
    (local.set $nkb (i32.add (i32.div_u (i32.sub (local.get $rows) (i32.const 1)) (local.get $kb)) (i32.const 1)))
    (if (i32.eqz (local.get $rows)) (then (local.set $nkb (i32.const 1))))
    ;; Bytes between the start tables of two columns, and between two columns' record regions.
    (local.set $stride (i32.shl (i32.add (local.get $nkb) (i32.const 1)) (i32.const 2)))
    (local.set $region (i32.shl (local.get $rows) (i32.const 4)))
    (block $groups_done
      (loop $group
        (br_if $groups_done (i32.gt_u (i32.add (local.get $g) (i32.const 8)) (local.get $cols)))
        (local.set $o0 (i32.add (local.get $out) (i32.mul (local.get $g) (local.get $region))))
        (local.set $o1 (i32.add (local.get $o0) (local.get $region)))
        (local.set $o2 (i32.add (local.get $o1) (local.get $region)))
        (local.set $o3 (i32.add (local.get $o2) (local.get $region)))
        (local.set $o4 (i32.add (local.get $o3) (local.get $region)))
        (local.set $o5 (i32.add (local.get $o4) (local.get $region)))
        (local.set $o6 (i32.add (local.get $o5) (local.get $region)))
        (local.set $o7 (i32.add (local.get $o6) (local.get $region)))
        (local.set $slot (i32.add (local.get $start) (i32.mul (local.get $g) (local.get $stride))))
        (local.set $at (i32.add (local.get $src) (i32.shl (local.get $g) (i32.const 3))))
        (local.set $r (i32.const 0))
        (local.set $blockLeft (i32.const 0))
        (block $rows_done
          (loop $row
            (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
            ;; A new block of B's rows: note where each column's block starts.
            (if (i32.eqz (local.get $blockLeft))
              (then
                (i32.store (local.get $slot) (local.get $o0))
                (i32.store (i32.add (local.get $slot) (local.get $stride)) (local.get $o1))
                (i32.store (i32.add (local.get $slot) (i32.mul (local.get $stride) (i32.const 2))) (local.get $o2))
                (i32.store (i32.add (local.get $slot) (i32.mul (local.get $stride) (i32.const 3))) (local.get $o3))
                (i32.store (i32.add (local.get $slot) (i32.mul (local.get $stride) (i32.const 4))) (local.get $o4))
                (i32.store (i32.add (local.get $slot) (i32.mul (local.get $stride) (i32.const 5))) (local.get $o5))
                (i32.store (i32.add (local.get $slot) (i32.mul (local.get $stride) (i32.const 6))) (local.get $o6))
                (i32.store (i32.add (local.get $slot) (i32.mul (local.get $stride) (i32.const 7))) (local.get $o7))
                (local.set $slot (i32.add (local.get $slot) (i32.const 4)))
                (local.set $blockLeft (local.get $kb))))
            (if (v128.any_true (v128.or
                  (v128.or
                    (f64x2.ne (v128.load offset=0 (local.get $at)) (v128.const f64x2 0 0))
                    (f64x2.ne (v128.load offset=16 (local.get $at)) (v128.const f64x2 0 0)))
                  (v128.or
                    (f64x2.ne (v128.load offset=32 (local.get $at)) (v128.const f64x2 0 0))
                    (f64x2.ne (v128.load offset=48 (local.get $at)) (v128.const f64x2 0 0)))))
              (then
                (local.set $key (i32.mul (local.get $r) (local.get $bRow)))
                (local.set $x (f64.load offset=0 (local.get $at)))
                (f64.store (local.get $o0) (local.get $x))
                (i32.store offset=8 (local.get $o0) (local.get $key))
                (local.set $o0 (i32.add (local.get $o0) (i32.shl (f64.ne (local.get $x) (f64.const 0)) (i32.const 4))))
                (local.set $x (f64.load offset=8 (local.get $at)))
                (f64.store (local.get $o1) (local.get $x))
                (i32.store offset=8 (local.get $o1) (local.get $key))
                (local.set $o1 (i32.add (local.get $o1) (i32.shl (f64.ne (local.get $x) (f64.const 0)) (i32.const 4))))
                (local.set $x (f64.load offset=16 (local.get $at)))
                (f64.store (local.get $o2) (local.get $x))
                (i32.store offset=8 (local.get $o2) (local.get $key))
                (local.set $o2 (i32.add (local.get $o2) (i32.shl (f64.ne (local.get $x) (f64.const 0)) (i32.const 4))))
                (local.set $x (f64.load offset=24 (local.get $at)))
                (f64.store (local.get $o3) (local.get $x))
                (i32.store offset=8 (local.get $o3) (local.get $key))
                (local.set $o3 (i32.add (local.get $o3) (i32.shl (f64.ne (local.get $x) (f64.const 0)) (i32.const 4))))
                (local.set $x (f64.load offset=32 (local.get $at)))
                (f64.store (local.get $o4) (local.get $x))
                (i32.store offset=8 (local.get $o4) (local.get $key))
                (local.set $o4 (i32.add (local.get $o4) (i32.shl (f64.ne (local.get $x) (f64.const 0)) (i32.const 4))))
                (local.set $x (f64.load offset=40 (local.get $at)))
                (f64.store (local.get $o5) (local.get $x))
                (i32.store offset=8 (local.get $o5) (local.get $key))
                (local.set $o5 (i32.add (local.get $o5) (i32.shl (f64.ne (local.get $x) (f64.const 0)) (i32.const 4))))
                (local.set $x (f64.load offset=48 (local.get $at)))
                (f64.store (local.get $o6) (local.get $x))
                (i32.store offset=8 (local.get $o6) (local.get $key))
                (local.set $o6 (i32.add (local.get $o6) (i32.shl (f64.ne (local.get $x) (f64.const 0)) (i32.const 4))))
                (local.set $x (f64.load offset=56 (local.get $at)))
                (f64.store (local.get $o7) (local.get $x))
                (i32.store offset=8 (local.get $o7) (local.get $key))
                (local.set $o7 (i32.add (local.get $o7) (i32.shl (f64.ne (local.get $x) (f64.const 0)) (i32.const 4))))))
            (local.set $at (i32.add (local.get $at) (i32.shl (local.get $ld) (i32.const 3))))
            (local.set $blockLeft (i32.sub (local.get $blockLeft) (i32.const 1)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $row)))
        ;; Each column's end, after its last block's start.
        (i32.store (local.get $slot) (local.get $o0))
        (i32.store (i32.add (local.get $slot) (local.get $stride)) (local.get $o1))
        (i32.store (i32.add (local.get $slot) (i32.mul (local.get $stride) (i32.const 2))) (local.get $o2))
        (i32.store (i32.add (local.get $slot) (i32.mul (local.get $stride) (i32.const 3))) (local.get $o3))
        (i32.store (i32.add (local.get $slot) (i32.mul (local.get $stride) (i32.const 4))) (local.get $o4))
        (i32.store (i32.add (local.get $slot) (i32.mul (local.get $stride) (i32.const 5))) (local.get $o5))
        (i32.store (i32.add (local.get $slot) (i32.mul (local.get $stride) (i32.const 6))) (local.get $o6))
        (i32.store (i32.add (local.get $slot) (i32.mul (local.get $stride) (i32.const 7))) (local.get $o7))
        (local.set $g (i32.add (local.get $g) (i32.const 8)))
        (br $group)))
    ;; The last columns, walked down one by one.
    (if (i32.lt_u (local.get $g) (local.get $cols))
      (then
        (call $compress
          (i32.add (local.get $src) (i32.shl (local.get $g) (i32.const 3)))
          (i32.sub (local.get $cols) (local.get $g)) (local.get $rows)
          (i32.const 8) (i32.shl (local.get $ld) (i32.const 3))
          (local.get $bRow) (local.get $kb)
          (i32.add (local.get $start) (i32.mul (local.get $g) (local.get $stride)))
          (i32.add (local.get $out) (i32.mul (local.get $g) (local.get $region)))))))
