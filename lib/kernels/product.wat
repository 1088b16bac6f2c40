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

  ;; @include compress.wat  (compress and compressColumns: the lists of nonzero entries)

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
