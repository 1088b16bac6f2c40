;; Matrix products for nnlab in WebAssembly SIMD: two float64 lanes per instruction.
;;
;; This text is the source of lib/kernels/product-wasm.ts (the compiled module,
;; base64): after editing it run `npm run build:kernels`;
;; test/kernels-build.test.ts fails while the two disagree.
;;
;; C = A·B is computed in two steps:
;;   compress  lists the nonzero entries of every row of A (ReLU outputs and
;;             digit pixels are mostly zero, so the work shrinks with them);
;;   spmm      row i of C = Σ over row i's list of a_ik · (row k of B),
;;             in panels of 12, 8, 4, 2 and 1 columns held in registers, and in
;;             blocks of kb rows of B, so that the part of B a panel reads
;;             stays in the level-1 cache while every row of C passes over it
;;             (the running sums go to C between blocks and come back).
;; Each entry of C is summed over k in increasing order with one multiply and
;; one add per term (no fused multiply-add): the same double, bit for bit, as
;; the plain triple loop in lib/matrix.ts gives for finite inputs.
;;
;; All addresses are byte offsets into the exported memory; the caller
;; (lib/kernels/product.ts) copies the operands in and the result out.
(module
  (memory (export "memory") 1)

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

  ;; Rows i0 ≤ i < i1 of C = op(A)·B, n×p with inner dimension m: lists those
  ;; rows of op(A) (compress, or compressColumns when `transposed`: A stored
  ;; m×n) and multiplies them (spmm). Rows are independent, so two threads may
  ;; run disjoint ranges at once: each range has its own part of the start
  ;; table (from start) and of the records (room for m per row, from records).
  (func (export "productRows")
    (param $i0 i32) (param $i1 i32) (param $a i32) (param $transposed i32) (param $n i32) (param $m i32) (param $p i32)
    (param $b i32) (param $c i32) (param $start i32) (param $records i32) (param $kb i32)
    (local $nkb i32) (local $slot i32) (local $out i32)
    (local.set $nkb (select (i32.add (i32.div_u (i32.sub (local.get $m) (i32.const 1)) (local.get $kb)) (i32.const 1))
      (i32.const 1) (local.get $m)))
    (local.set $slot (i32.add (local.get $start) (i32.shl (i32.mul (local.get $i0) (i32.add (local.get $nkb) (i32.const 1))) (i32.const 2))))
    (local.set $out (i32.add (local.get $records) (i32.shl (i32.mul (local.get $i0) (local.get $m)) (i32.const 4))))
    (if (local.get $transposed)
      (then
        (call $compressColumns (i32.add (local.get $a) (i32.shl (local.get $i0) (i32.const 3)))
          (local.get $m) (i32.sub (local.get $i1) (local.get $i0)) (local.get $n)
          (i32.shl (local.get $p) (i32.const 3)) (local.get $kb) (local.get $slot) (local.get $out)))
      (else
        (call $compress (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i0) (local.get $m)) (i32.const 3)))
          (i32.sub (local.get $i1) (local.get $i0)) (local.get $m)
          (i32.shl (local.get $m) (i32.const 3)) (i32.const 8)
          (i32.shl (local.get $p) (i32.const 3)) (local.get $kb) (local.get $slot) (local.get $out))))
    (call $spmm (local.get $i0) (local.get $i1) (local.get $p) (local.get $start) (local.get $nkb) (local.get $b) (local.get $c)))

  ;; dst (cols×rows) = transpose of src (rows×cols), both row-major f64.
  (func (export "transpose") (param $src i32) (param $rows i32) (param $cols i32) (param $dst i32)
    (local $r i32) (local $c i32) (local $from i32) (local $to i32)
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $from (i32.add (local.get $src) (i32.shl (i32.mul (local.get $r) (local.get $cols)) (i32.const 3))))
        (local.set $to (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 3))))
        (local.set $c (i32.const 0))
        (block $row_done
          (loop $col
            (br_if $row_done (i32.ge_u (local.get $c) (local.get $cols)))
            (f64.store (local.get $to) (f64.load (local.get $from)))
            (local.set $from (i32.add (local.get $from) (i32.const 8)))
            (local.set $to (i32.add (local.get $to) (i32.shl (local.get $rows) (i32.const 3))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $col)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; Rows i0 ≤ i < i1 of C (row length p) from compress's lists (start, nkb
  ;; blocks per row) and B (p columns, at address b): C[i, j] = Σ value · B[k, j].
  (func $spmm (export "spmm")
    (param $i0 i32) (param $i1 i32) (param $p i32) (param $start i32) (param $nkb i32) (param $b i32) (param $c i32)
    (local $j i32)
    ;; Twelve columns at a time, then at most one panel each of 8, 4, 2 and 1.
    (block $done12
      (loop $w12
        (br_if $done12 (i32.gt_u (i32.add (local.get $j) (i32.const 12)) (local.get $p)))
        (call $panel12 (local.get $i0) (local.get $i1) (local.get $p) (local.get $start) (local.get $nkb) (local.get $b) (local.get $c) (local.get $j))
        (local.set $j (i32.add (local.get $j) (i32.const 12)))
        (br $w12)))
    (if (i32.le_u (i32.add (local.get $j) (i32.const 8)) (local.get $p))
      (then
        (call $panel8 (local.get $i0) (local.get $i1) (local.get $p) (local.get $start) (local.get $nkb) (local.get $b) (local.get $c) (local.get $j))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))))
    (if (i32.le_u (i32.add (local.get $j) (i32.const 4)) (local.get $p))
      (then
        (call $panel4 (local.get $i0) (local.get $i1) (local.get $p) (local.get $start) (local.get $nkb) (local.get $b) (local.get $c) (local.get $j))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))))
    (if (i32.le_u (i32.add (local.get $j) (i32.const 2)) (local.get $p))
      (then
        (call $panel2 (local.get $i0) (local.get $i1) (local.get $p) (local.get $start) (local.get $nkb) (local.get $b) (local.get $c) (local.get $j))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))))
    (if (i32.lt_u (local.get $j) (local.get $p))
      (then
        (call $panel1 (local.get $i0) (local.get $i1) (local.get $p) (local.get $start) (local.get $nkb) (local.get $b) (local.get $c) (local.get $j)))))

  ;; Columns j..j+11: twelve running sums in six registers per row of C. Not
  ;; eight registers: V8's register allocator (Node 20 and 22) then runs out
  ;; of SIMD registers and keeps sums on the stack (1.4× slower there).
  (func $panel12
    (param $i0 i32) (param $i1 i32) (param $p i32) (param $start i32) (param $nkb i32) (param $b i32) (param $c i32) (param $j i32)
    (local $blk i32) (local $i i32) (local $t i32) (local $end i32) (local $bj i32) (local $row i32) (local $out i32) (local $slot i32)
    (local $a v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $s4 v128) (local $s5 v128)
    (local.set $bj (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
    (loop $blocks
      (local.set $i (local.get $i0))
      (block $done
        (loop $rows
          (br_if $done (i32.ge_u (local.get $i) (local.get $i1)))
          (local.set $out (i32.add (local.get $c)
            (i32.shl (i32.add (i32.mul (local.get $i) (local.get $p)) (local.get $j)) (i32.const 3))))
          ;; The first block starts the sums at 0, later ones carry on from C.
          (if (i32.eqz (local.get $blk))
            (then
              (local.set $s0 (v128.const f64x2 0 0))
              (local.set $s1 (v128.const f64x2 0 0))
              (local.set $s2 (v128.const f64x2 0 0))
              (local.set $s3 (v128.const f64x2 0 0))
              (local.set $s4 (v128.const f64x2 0 0))
              (local.set $s5 (v128.const f64x2 0 0)))
            (else
              (local.set $s0 (v128.load offset=0 (local.get $out)))
              (local.set $s1 (v128.load offset=16 (local.get $out)))
              (local.set $s2 (v128.load offset=32 (local.get $out)))
              (local.set $s3 (v128.load offset=48 (local.get $out)))
              (local.set $s4 (v128.load offset=64 (local.get $out)))
              (local.set $s5 (v128.load offset=80 (local.get $out)))))
          (local.set $slot (i32.add (local.get $start)
            (i32.shl (i32.add (i32.mul (local.get $i) (i32.add (local.get $nkb) (i32.const 1))) (local.get $blk)) (i32.const 2))))
          (local.set $t (i32.load (local.get $slot)))
          (local.set $end (i32.load offset=4 (local.get $slot)))
          (block $terms_done
            (loop $terms
              (br_if $terms_done (i32.ge_u (local.get $t) (local.get $end)))
              (local.set $a (f64x2.splat (f64.load (local.get $t))))
              (local.set $row (i32.add (local.get $bj) (i32.load offset=8 (local.get $t))))
                (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $a) (v128.load offset=0 (local.get $row)))))
                (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $a) (v128.load offset=16 (local.get $row)))))
                (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $a) (v128.load offset=32 (local.get $row)))))
                (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $a) (v128.load offset=48 (local.get $row)))))
                (local.set $s4 (f64x2.add (local.get $s4) (f64x2.mul (local.get $a) (v128.load offset=64 (local.get $row)))))
                (local.set $s5 (f64x2.add (local.get $s5) (f64x2.mul (local.get $a) (v128.load offset=80 (local.get $row)))))
              (local.set $t (i32.add (local.get $t) (i32.const 16)))
              (br $terms)))
            (v128.store offset=0 (local.get $out) (local.get $s0))
            (v128.store offset=16 (local.get $out) (local.get $s1))
            (v128.store offset=32 (local.get $out) (local.get $s2))
            (v128.store offset=48 (local.get $out) (local.get $s3))
            (v128.store offset=64 (local.get $out) (local.get $s4))
            (v128.store offset=80 (local.get $out) (local.get $s5))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $rows)))
      (local.set $blk (i32.add (local.get $blk) (i32.const 1)))
      (br_if $blocks (i32.lt_u (local.get $blk) (local.get $nkb)))))

  ;; Columns j..j+7.
  (func $panel8
    (param $i0 i32) (param $i1 i32) (param $p i32) (param $start i32) (param $nkb i32) (param $b i32) (param $c i32) (param $j i32)
    (local $blk i32) (local $i i32) (local $t i32) (local $end i32) (local $bj i32) (local $row i32) (local $out i32) (local $slot i32)
    (local $a v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $bj (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
    (loop $blocks
      (local.set $i (local.get $i0))
      (block $done
        (loop $rows
          (br_if $done (i32.ge_u (local.get $i) (local.get $i1)))
          (local.set $out (i32.add (local.get $c)
            (i32.shl (i32.add (i32.mul (local.get $i) (local.get $p)) (local.get $j)) (i32.const 3))))
          ;; The first block starts the sums at 0, later ones carry on from C.
          (if (i32.eqz (local.get $blk))
            (then
              (local.set $s0 (v128.const f64x2 0 0))
              (local.set $s1 (v128.const f64x2 0 0))
              (local.set $s2 (v128.const f64x2 0 0))
              (local.set $s3 (v128.const f64x2 0 0)))
            (else
              (local.set $s0 (v128.load offset=0 (local.get $out)))
              (local.set $s1 (v128.load offset=16 (local.get $out)))
              (local.set $s2 (v128.load offset=32 (local.get $out)))
              (local.set $s3 (v128.load offset=48 (local.get $out)))))
          (local.set $slot (i32.add (local.get $start)
            (i32.shl (i32.add (i32.mul (local.get $i) (i32.add (local.get $nkb) (i32.const 1))) (local.get $blk)) (i32.const 2))))
          (local.set $t (i32.load (local.get $slot)))
          (local.set $end (i32.load offset=4 (local.get $slot)))
          (block $terms_done
            (loop $terms
              (br_if $terms_done (i32.ge_u (local.get $t) (local.get $end)))
              (local.set $a (f64x2.splat (f64.load (local.get $t))))
              (local.set $row (i32.add (local.get $bj) (i32.load offset=8 (local.get $t))))
                (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $a) (v128.load offset=0 (local.get $row)))))
                (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $a) (v128.load offset=16 (local.get $row)))))
                (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $a) (v128.load offset=32 (local.get $row)))))
                (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $a) (v128.load offset=48 (local.get $row)))))
              (local.set $t (i32.add (local.get $t) (i32.const 16)))
              (br $terms)))
            (v128.store offset=0 (local.get $out) (local.get $s0))
            (v128.store offset=16 (local.get $out) (local.get $s1))
            (v128.store offset=32 (local.get $out) (local.get $s2))
            (v128.store offset=48 (local.get $out) (local.get $s3))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $rows)))
      (local.set $blk (i32.add (local.get $blk) (i32.const 1)))
      (br_if $blocks (i32.lt_u (local.get $blk) (local.get $nkb)))))

  ;; Columns j..j+3.
  (func $panel4
    (param $i0 i32) (param $i1 i32) (param $p i32) (param $start i32) (param $nkb i32) (param $b i32) (param $c i32) (param $j i32)
    (local $blk i32) (local $i i32) (local $t i32) (local $end i32) (local $bj i32) (local $row i32) (local $out i32) (local $slot i32)
    (local $a v128) (local $s0 v128) (local $s1 v128)
    (local.set $bj (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
    (loop $blocks
      (local.set $i (local.get $i0))
      (block $done
        (loop $rows
          (br_if $done (i32.ge_u (local.get $i) (local.get $i1)))
          (local.set $out (i32.add (local.get $c)
            (i32.shl (i32.add (i32.mul (local.get $i) (local.get $p)) (local.get $j)) (i32.const 3))))
          ;; The first block starts the sums at 0, later ones carry on from C.
          (if (i32.eqz (local.get $blk))
            (then
              (local.set $s0 (v128.const f64x2 0 0))
              (local.set $s1 (v128.const f64x2 0 0)))
            (else
              (local.set $s0 (v128.load offset=0 (local.get $out)))
              (local.set $s1 (v128.load offset=16 (local.get $out)))))
          (local.set $slot (i32.add (local.get $start)
            (i32.shl (i32.add (i32.mul (local.get $i) (i32.add (local.get $nkb) (i32.const 1))) (local.get $blk)) (i32.const 2))))
          (local.set $t (i32.load (local.get $slot)))
          (local.set $end (i32.load offset=4 (local.get $slot)))
          (block $terms_done
            (loop $terms
              (br_if $terms_done (i32.ge_u (local.get $t) (local.get $end)))
              (local.set $a (f64x2.splat (f64.load (local.get $t))))
              (local.set $row (i32.add (local.get $bj) (i32.load offset=8 (local.get $t))))
                (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $a) (v128.load offset=0 (local.get $row)))))
                (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $a) (v128.load offset=16 (local.get $row)))))
              (local.set $t (i32.add (local.get $t) (i32.const 16)))
              (br $terms)))
            (v128.store offset=0 (local.get $out) (local.get $s0))
            (v128.store offset=16 (local.get $out) (local.get $s1))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $rows)))
      (local.set $blk (i32.add (local.get $blk) (i32.const 1)))
      (br_if $blocks (i32.lt_u (local.get $blk) (local.get $nkb)))))

  ;; Columns j, j+1.
  (func $panel2
    (param $i0 i32) (param $i1 i32) (param $p i32) (param $start i32) (param $nkb i32) (param $b i32) (param $c i32) (param $j i32)
    (local $blk i32) (local $i i32) (local $t i32) (local $end i32) (local $bj i32) (local $row i32) (local $out i32) (local $slot i32)
    (local $a v128) (local $s0 v128)
    (local.set $bj (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
    (loop $blocks
      (local.set $i (local.get $i0))
      (block $done
        (loop $rows
          (br_if $done (i32.ge_u (local.get $i) (local.get $i1)))
          (local.set $out (i32.add (local.get $c)
            (i32.shl (i32.add (i32.mul (local.get $i) (local.get $p)) (local.get $j)) (i32.const 3))))
          ;; The first block starts the sums at 0, later ones carry on from C.
          (if (i32.eqz (local.get $blk))
            (then
              (local.set $s0 (v128.const f64x2 0 0)))
            (else
              (local.set $s0 (v128.load offset=0 (local.get $out)))))
          (local.set $slot (i32.add (local.get $start)
            (i32.shl (i32.add (i32.mul (local.get $i) (i32.add (local.get $nkb) (i32.const 1))) (local.get $blk)) (i32.const 2))))
          (local.set $t (i32.load (local.get $slot)))
          (local.set $end (i32.load offset=4 (local.get $slot)))
          (block $terms_done
            (loop $terms
              (br_if $terms_done (i32.ge_u (local.get $t) (local.get $end)))
              (local.set $a (f64x2.splat (f64.load (local.get $t))))
              (local.set $row (i32.add (local.get $bj) (i32.load offset=8 (local.get $t))))
                (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $a) (v128.load offset=0 (local.get $row)))))
              (local.set $t (i32.add (local.get $t) (i32.const 16)))
              (br $terms)))
            (v128.store offset=0 (local.get $out) (local.get $s0))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $rows)))
      (local.set $blk (i32.add (local.get $blk) (i32.const 1)))
      (br_if $blocks (i32.lt_u (local.get $blk) (local.get $nkb)))))

  ;; Column j alone (an odd last column, or p = 1).
  (func $panel1
    (param $i0 i32) (param $i1 i32) (param $p i32) (param $start i32) (param $nkb i32) (param $b i32) (param $c i32) (param $j i32)
    (local $blk i32) (local $i i32) (local $t i32) (local $end i32) (local $bj i32) (local $row i32) (local $out i32) (local $slot i32)
    (local $x f64) (local $s0 f64)
    (local.set $bj (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
    (loop $blocks
      (local.set $i (local.get $i0))
      (block $done
        (loop $rows
          (br_if $done (i32.ge_u (local.get $i) (local.get $i1)))
          (local.set $out (i32.add (local.get $c)
            (i32.shl (i32.add (i32.mul (local.get $i) (local.get $p)) (local.get $j)) (i32.const 3))))
          ;; The first block starts the sums at 0, later ones carry on from C.
          (if (i32.eqz (local.get $blk))
            (then
              (local.set $s0 (f64.const 0)))
            (else
              (local.set $s0 (f64.load (local.get $out)))))
          (local.set $slot (i32.add (local.get $start)
            (i32.shl (i32.add (i32.mul (local.get $i) (i32.add (local.get $nkb) (i32.const 1))) (local.get $blk)) (i32.const 2))))
          (local.set $t (i32.load (local.get $slot)))
          (local.set $end (i32.load offset=4 (local.get $slot)))
          (block $terms_done
            (loop $terms
              (br_if $terms_done (i32.ge_u (local.get $t) (local.get $end)))
              (local.set $x (f64.load (local.get $t)))
              (local.set $row (i32.add (local.get $bj) (i32.load offset=8 (local.get $t))))
                (local.set $s0 (f64.add (local.get $s0) (f64.mul (local.get $x) (f64.load (local.get $row)))))
              (local.set $t (i32.add (local.get $t) (i32.const 16)))
              (br $terms)))
            (f64.store (local.get $out) (local.get $s0))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $rows)))
      (local.set $blk (i32.add (local.get $blk) (i32.const 1)))
      (br_if $blocks (i32.lt_u (local.get $blk) (local.get $nkb))))))
