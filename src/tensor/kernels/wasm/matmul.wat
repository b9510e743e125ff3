;; handgrad matrix products in WebAssembly SIMD (f32x4).
;;
;; One exported routine computes all three products the layers need:
;;
;;     C[i,j] = Σ_p A(i,p) · B(p,j),   A(i,p) = a[i·sai + p·sap],   B(p,j) = b[p·sbp + j·sbj]
;;
;; a·b, aᵀ·b and a·bᵀ differ only in the strides the caller passes (see wasm-kernels.ts), because the
;; operands are first *packed* into a fixed layout, as BLAS libraries do:
;;
;;   - a KC-deep, MC-tall block of A is copied into 4-row panels, p-major: panel[p·4 + r] = A(i0+r, p0+p);
;;   - a KC-deep, NC-wide block of B is copied into 8-column panels, p-major: panel[p·8 + c] = B(p0+p, j0+c);
;;     rows/columns past the edge are zero-padded, so the micro-kernel never needs an edge case.
;;
;; The micro-kernel then computes a 4×8 tile of C in eight f32x4 registers: per step p it loads one
;; row of the B panel (2 × f32x4), broadcasts each of the 4 A values (v128.load32_splat) and does
;; 8 multiply-adds — 64 flops per 6 loads, all from L1. Cache blocking (loop order jc → pc → ic → jr → ir)
;; keeps the packed B micro-panel (KC·8·4 = 8 KiB) in L1 and the packed A block (MC·KC·4 = 64 KiB) in L2.
;;
;; All pointers are byte addresses into this module's memory; strides and sizes are in elements.
;; The caller guarantees m, n, k ≥ 1 and that the work area (see $workBytes) is free.
;;
;; The same text is built twice (scripts/wasm-build.ts): as is, with its own memory, and with the memory
;; line replaced by an imported *shared* memory, so that worker threads can each run `gemm` on their own
;; block of rows or columns of C (each with its own work area) in one memory. gemm keeps no state between
;; calls and writes only its work area and its block of C, so concurrent calls on disjoint blocks are safe.
(module
  (memory (export "memory") 1)

  ;; Block sizes, in elements.
  (global $MC i32 (i32.const 64))   ;; rows of A per packed block (multiple of 4)
  (global $KC i32 (i32.const 256))  ;; depth of a packed block
  (global $NC i32 (i32.const 512))  ;; columns of B per packed block (multiple of 8)

  (func $min (param $x i32) (param $y i32) (result i32)
    (select (local.get $x) (local.get $y) (i32.lt_u (local.get $x) (local.get $y))))

  ;; Bytes of scratch memory gemm needs at its `work` pointer: packed A, packed B and one 4×8 edge tile.
  (func $workBytes (export "workBytes") (result i32)
    (i32.shl
      (i32.add
        (i32.add (i32.mul (global.get $MC) (global.get $KC)) (i32.mul (global.get $KC) (global.get $NC)))
        (i32.const 32))
      (i32.const 2)))

  ;; Generic packing of rows [r, rows) of an A block, one element at a time (any strides, any edge):
  ;; dst[(r/4)·kc·4 + p·4 + r%4] = A(i0 + r, p0 + p) for r < mc, 0 for mc ≤ r < rows.
  (func $packARows (param $a i32) (param $sai i32) (param $sap i32) (param $i0 i32) (param $mc i32)
                   (param $p0 i32) (param $kc i32) (param $dst i32) (param $r i32) (param $rows i32)
    (local $src i32) (local $d i32) (local $end i32) (local $step i32)
    (local.set $step (i32.shl (local.get $sap) (i32.const 2)))
    (loop $row
      ;; d = dst + ((r/4)·kc·4 + r%4) · 4 bytes; each step p moves 16 bytes (one 4-row column)
      (local.set $d
        (i32.add (local.get $dst)
          (i32.shl
            (i32.add
              (i32.mul (i32.shr_u (local.get $r) (i32.const 2)) (i32.shl (local.get $kc) (i32.const 2)))
              (i32.and (local.get $r) (i32.const 3)))
            (i32.const 2))))
      (local.set $end (i32.add (local.get $d) (i32.shl (local.get $kc) (i32.const 4))))
      (if (i32.lt_u (local.get $r) (local.get $mc))
        (then
          ;; src = &A(i0 + r, p0)
          (local.set $src
            (i32.add (local.get $a)
              (i32.shl
                (i32.add
                  (i32.mul (i32.add (local.get $i0) (local.get $r)) (local.get $sai))
                  (i32.mul (local.get $p0) (local.get $sap)))
                (i32.const 2))))
          (loop $copy
            (f32.store (local.get $d) (f32.load (local.get $src)))
            (local.set $src (i32.add (local.get $src) (local.get $step)))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br_if $copy (i32.lt_u (local.get $d) (local.get $end)))))
        (else
          (loop $zero
            (f32.store (local.get $d) (f32.const 0))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br_if $zero (i32.lt_u (local.get $d) (local.get $end))))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $row (i32.lt_u (local.get $r) (local.get $rows)))))

  ;; Generic packing of columns [c, cols) of a B block, one element at a time (any strides, any edge):
  ;; dst[(c/8)·kc·8 + p·8 + c%8] = B(p0 + p, j0 + c) for c < nc, 0 for nc ≤ c < cols.
  (func $packBCols (param $b i32) (param $sbp i32) (param $sbj i32) (param $p0 i32) (param $kc i32)
                   (param $j0 i32) (param $nc i32) (param $dst i32) (param $c i32) (param $cols i32)
    (local $src i32) (local $d i32) (local $end i32) (local $step i32)
    (local.set $step (i32.shl (local.get $sbp) (i32.const 2)))
    (loop $col
      ;; d = dst + ((c/8)·kc·8 + c%8) · 4 bytes; each step p moves 32 bytes (one 8-column row)
      (local.set $d
        (i32.add (local.get $dst)
          (i32.shl
            (i32.add
              (i32.mul (i32.shr_u (local.get $c) (i32.const 3)) (i32.shl (local.get $kc) (i32.const 3)))
              (i32.and (local.get $c) (i32.const 7)))
            (i32.const 2))))
      (local.set $end (i32.add (local.get $d) (i32.shl (local.get $kc) (i32.const 5))))
      (if (i32.lt_u (local.get $c) (local.get $nc))
        (then
          ;; src = &B(p0, j0 + c)
          (local.set $src
            (i32.add (local.get $b)
              (i32.shl
                (i32.add
                  (i32.mul (local.get $p0) (local.get $sbp))
                  (i32.mul (i32.add (local.get $j0) (local.get $c)) (local.get $sbj)))
                (i32.const 2))))
          (loop $copy
            (f32.store (local.get $d) (f32.load (local.get $src)))
            (local.set $src (i32.add (local.get $src) (local.get $step)))
            (local.set $d (i32.add (local.get $d) (i32.const 32)))
            (br_if $copy (i32.lt_u (local.get $d) (local.get $end)))))
        (else
          (loop $zero
            (f32.store (local.get $d) (f32.const 0))
            (local.set $d (i32.add (local.get $d) (i32.const 32)))
            (br_if $zero (i32.lt_u (local.get $d) (local.get $end))))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br_if $col (i32.lt_u (local.get $c) (local.get $cols)))))

  ;; Stores the transpose of the 4×4 block whose rows are r0…r3 as four vectors at dst + k·stride:
  ;; vector k = (r0[k], r1[k], r2[k], r3[k]).
  (func $transpose4Store (param $r0 v128) (param $r1 v128) (param $r2 v128) (param $r3 v128)
                         (param $dst i32) (param $stride i32)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    ;; interleave pairs of rows: t0 = (r0[0] r1[0] r0[1] r1[1]), t2 = (r0[2] r1[2] r0[3] r1[3]), …
    (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
    (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
    (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
    (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
    ;; then join the halves: column k = low or high half of t0/t2 with the same half of t1/t3
    (v128.store (local.get $dst)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
    (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
    (v128.store (local.get $dst)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
    (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
    (v128.store (local.get $dst)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
    (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
    (v128.store (local.get $dst)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3))))

  ;; Packs A(i0 + r, p0 + p) for r < mc, p < kc into 4-row panels at dst:
  ;; dst[(r/4)·kc·4 + p·4 + r%4] (elements); rows mc … (mc rounded up to 4) are zero.
  ;; Full panels take a SIMD path when a column of 4 A values is contiguous (sai = 1: one v128 copy per p)
  ;; or when rows are contiguous (sap = 1: 4×4 transposes); edges use $packARows.
  (func $packA (param $a i32) (param $sai i32) (param $sap i32) (param $i0 i32) (param $mc i32)
               (param $p0 i32) (param $kc i32) (param $dst i32)
    (local $q i32) (local $src i32) (local $d i32) (local $end i32) (local $step i32) (local $p i32)
    (local $row i32)
    (loop $panel
      ;; d = start of panel q/4: dst + q·kc·4 bytes; src = &A(i0 + q, p0)
      (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $q) (local.get $kc)) (i32.const 2))))
      (local.set $src
        (i32.add (local.get $a)
          (i32.shl
            (i32.add
              (i32.mul (i32.add (local.get $i0) (local.get $q)) (local.get $sai))
              (i32.mul (local.get $p0) (local.get $sap)))
            (i32.const 2))))
      (if (i32.and (i32.le_u (i32.add (local.get $q) (i32.const 4)) (local.get $mc))
                   (i32.eq (local.get $sai) (i32.const 1)))
        (then
          ;; A(q…q+3, p) are adjacent: copy them as one vector per p
          (local.set $step (i32.shl (local.get $sap) (i32.const 2)))
          (local.set $end (i32.add (local.get $d) (i32.shl (local.get $kc) (i32.const 4))))
          (loop $copy
            (v128.store (local.get $d) (v128.load (local.get $src)))
            (local.set $src (i32.add (local.get $src) (local.get $step)))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br_if $copy (i32.lt_u (local.get $d) (local.get $end)))))
        (else
          (if (i32.and (i32.le_u (i32.add (local.get $q) (i32.const 4)) (local.get $mc))
                       (i32.eq (local.get $sap) (i32.const 1)))
            (then
              ;; rows are contiguous along p: load 4 rows × 4 p, transpose, store 4 columns
              (local.set $row (i32.shl (local.get $sai) (i32.const 2)))
              (local.set $p (i32.const 0))
              (block $tail
                (loop $quad
                  (br_if $tail (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $kc)))
                  (call $transpose4Store
                    (v128.load (local.get $src))
                    (v128.load (i32.add (local.get $src) (local.get $row)))
                    (v128.load (i32.add (local.get $src) (i32.shl (local.get $row) (i32.const 1))))
                    (v128.load (i32.add (local.get $src) (i32.mul (local.get $row) (i32.const 3))))
                    (local.get $d) (i32.const 16))
                  (local.set $src (i32.add (local.get $src) (i32.const 16)))
                  (local.set $d (i32.add (local.get $d) (i32.const 64)))
                  (local.set $p (i32.add (local.get $p) (i32.const 4)))
                  (br $quad)))
              ;; the last kc % 4 steps, element by element
              (block $done
                (loop $rest
                  (br_if $done (i32.ge_u (local.get $p) (local.get $kc)))
                  (f32.store (local.get $d) (f32.load (local.get $src)))
                  (f32.store offset=4 (local.get $d) (f32.load (i32.add (local.get $src) (local.get $row))))
                  (f32.store offset=8 (local.get $d)
                    (f32.load (i32.add (local.get $src) (i32.shl (local.get $row) (i32.const 1)))))
                  (f32.store offset=12 (local.get $d)
                    (f32.load (i32.add (local.get $src) (i32.mul (local.get $row) (i32.const 3)))))
                  (local.set $src (i32.add (local.get $src) (i32.const 4)))
                  (local.set $d (i32.add (local.get $d) (i32.const 16)))
                  (local.set $p (i32.add (local.get $p) (i32.const 1)))
                  (br $rest))))
            (else
              (call $packARows (local.get $a) (local.get $sai) (local.get $sap) (local.get $i0) (local.get $mc)
                               (local.get $p0) (local.get $kc) (local.get $dst)
                               (local.get $q) (i32.add (local.get $q) (i32.const 4)))))))
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (br_if $panel (i32.lt_u (local.get $q) (local.get $mc)))))

  ;; Packs B(p0 + p, j0 + c) for p < kc, c < nc into 8-column panels at dst:
  ;; dst[(c/8)·kc·8 + p·8 + c%8] (elements); columns nc … (nc rounded up to 8) are zero.
  ;; Full panels take a SIMD path when a row of 8 B values is contiguous (sbj = 1: two v128 copies per p)
  ;; or when columns are contiguous (sbp = 1: two 4×4 transposes per 4 steps); edges use $packBCols.
  (func $packB (param $b i32) (param $sbp i32) (param $sbj i32) (param $p0 i32) (param $kc i32)
               (param $j0 i32) (param $nc i32) (param $dst i32)
    (local $q i32) (local $src i32) (local $d i32) (local $end i32) (local $step i32) (local $p i32)
    (local $col i32) (local $src4 i32)
    (loop $panel
      ;; d = start of panel q/8: dst + q·kc·4 bytes; src = &B(p0, j0 + q)
      (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $q) (local.get $kc)) (i32.const 2))))
      (local.set $src
        (i32.add (local.get $b)
          (i32.shl
            (i32.add
              (i32.mul (local.get $p0) (local.get $sbp))
              (i32.mul (i32.add (local.get $j0) (local.get $q)) (local.get $sbj)))
            (i32.const 2))))
      (if (i32.and (i32.le_u (i32.add (local.get $q) (i32.const 8)) (local.get $nc))
                   (i32.eq (local.get $sbj) (i32.const 1)))
        (then
          ;; B(p, q…q+7) are adjacent: two vector copies per p
          (local.set $step (i32.shl (local.get $sbp) (i32.const 2)))
          (local.set $end (i32.add (local.get $d) (i32.shl (local.get $kc) (i32.const 5))))
          (loop $copy
            (v128.store (local.get $d) (v128.load (local.get $src)))
            (v128.store offset=16 (local.get $d) (v128.load offset=16 (local.get $src)))
            (local.set $src (i32.add (local.get $src) (local.get $step)))
            (local.set $d (i32.add (local.get $d) (i32.const 32)))
            (br_if $copy (i32.lt_u (local.get $d) (local.get $end)))))
        (else
          (if (i32.and (i32.le_u (i32.add (local.get $q) (i32.const 8)) (local.get $nc))
                       (i32.eq (local.get $sbp) (i32.const 1)))
            (then
              ;; columns are contiguous along p: per 4 steps, transpose columns 0–3 and 4–7
              (local.set $col (i32.shl (local.get $sbj) (i32.const 2)))
              (local.set $src4 (i32.add (local.get $src) (i32.shl (local.get $col) (i32.const 2))))
              (local.set $p (i32.const 0))
              (block $tail
                (loop $quad
                  (br_if $tail (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $kc)))
                  (call $transpose4Store
                    (v128.load (local.get $src))
                    (v128.load (i32.add (local.get $src) (local.get $col)))
                    (v128.load (i32.add (local.get $src) (i32.shl (local.get $col) (i32.const 1))))
                    (v128.load (i32.add (local.get $src) (i32.mul (local.get $col) (i32.const 3))))
                    (local.get $d) (i32.const 32))
                  (call $transpose4Store
                    (v128.load (local.get $src4))
                    (v128.load (i32.add (local.get $src4) (local.get $col)))
                    (v128.load (i32.add (local.get $src4) (i32.shl (local.get $col) (i32.const 1))))
                    (v128.load (i32.add (local.get $src4) (i32.mul (local.get $col) (i32.const 3))))
                    (i32.add (local.get $d) (i32.const 16)) (i32.const 32))
                  (local.set $src (i32.add (local.get $src) (i32.const 16)))
                  (local.set $src4 (i32.add (local.get $src4) (i32.const 16)))
                  (local.set $d (i32.add (local.get $d) (i32.const 128)))
                  (local.set $p (i32.add (local.get $p) (i32.const 4)))
                  (br $quad)))
              ;; the last kc % 4 steps: generic packing of this panel from step p on
              (if (i32.lt_u (local.get $p) (local.get $kc))
                (then
                  (call $packBCols (local.get $b) (local.get $sbp) (local.get $sbj)
                                   (i32.add (local.get $p0) (local.get $p)) (i32.sub (local.get $kc) (local.get $p))
                                   (i32.add (local.get $j0) (local.get $q)) (i32.sub (local.get $nc) (local.get $q))
                                   (local.get $d) (i32.const 0) (i32.const 8)))))
            (else
              (call $packBCols (local.get $b) (local.get $sbp) (local.get $sbj) (local.get $p0) (local.get $kc)
                               (local.get $j0) (local.get $nc) (local.get $dst)
                               (local.get $q) (i32.add (local.get $q) (i32.const 8)))))))
      (local.set $q (i32.add (local.get $q) (i32.const 8)))
      (br_if $panel (i32.lt_u (local.get $q) (local.get $nc)))))

  ;; The 4×8 micro-kernel: C[4×8] = (acc ? C : 0) + Σ_p apanel[p]ᵀ · bpanel[p], over kc ≥ 1 steps.
  ;; ap: packed A panel (4 floats per p), bp: packed B panel (8 floats per p), c: top-left of the tile,
  ;; ldc: bytes between rows of C.
  (func $micro (param $ap i32) (param $bp i32) (param $kc i32) (param $c i32) (param $ldc i32) (param $acc i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $a v128) (local $end i32)
    (local.set $end (i32.add (local.get $bp) (i32.shl (local.get $kc) (i32.const 5))))
    (loop $p
      ;; one row of the B panel: columns 0–3 and 4–7
      (local.set $b0 (v128.load (local.get $bp)))
      (local.set $b1 (v128.load offset=16 (local.get $bp)))
      ;; row r of the tile += A(r, p) · B(p, 0…7), with A(r, p) broadcast to all four lanes
      (local.set $a (v128.load32_splat (local.get $ap)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load32_splat offset=4 (local.get $ap)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load32_splat offset=8 (local.get $ap)))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load32_splat offset=12 (local.get $ap)))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
      (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
      (br_if $p (i32.lt_u (local.get $bp) (local.get $end))))
    (if (local.get $acc)
      (then
        ;; later k-blocks add onto what earlier ones wrote
        (local.set $c00 (f32x4.add (local.get $c00) (v128.load (local.get $c))))
        (local.set $c01 (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $c))))
        (local.set $c10 (f32x4.add (local.get $c10) (v128.load (i32.add (local.get $c) (local.get $ldc)))))
        (local.set $c11 (f32x4.add (local.get $c11) (v128.load offset=16 (i32.add (local.get $c) (local.get $ldc)))))
        (local.set $c20 (f32x4.add (local.get $c20)
          (v128.load (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1))))))
        (local.set $c21 (f32x4.add (local.get $c21)
          (v128.load offset=16 (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1))))))
        (local.set $c30 (f32x4.add (local.get $c30)
          (v128.load (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3))))))
        (local.set $c31 (f32x4.add (local.get $c31)
          (v128.load offset=16 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3))))))))
    (v128.store (local.get $c) (local.get $c00))
    (v128.store offset=16 (local.get $c) (local.get $c01))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c10))
    (v128.store offset=16 (local.get $c) (local.get $c11))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c20))
    (v128.store offset=16 (local.get $c) (local.get $c21))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c30))
    (v128.store offset=16 (local.get $c) (local.get $c31)))

  ;; Copies the top-left rows×cols of a 4×8 tile (row stride 32 bytes) into C, adding when acc is set.
  (func $storeEdge (param $tile i32) (param $c i32) (param $ldc i32) (param $rows i32) (param $cols i32)
                   (param $acc i32)
    (local $r i32) (local $j i32) (local $src i32) (local $dst i32) (local $v f32)
    (loop $row
      (local.set $j (i32.const 0))
      (loop $col
        (local.set $src (i32.add (local.get $tile) (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $j)) (i32.const 2))))
        (local.set $dst (i32.add (i32.add (local.get $c) (i32.mul (local.get $r) (local.get $ldc))) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $v (f32.load (local.get $src)))
        (if (local.get $acc) (then (local.set $v (f32.add (local.get $v) (f32.load (local.get $dst))))))
        (f32.store (local.get $dst) (local.get $v))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $col (i32.lt_u (local.get $j) (local.get $cols))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $row (i32.lt_u (local.get $r) (local.get $rows)))))

  ;; One row of C from one row of A, with no packing — for products with very few rows (batch-1 inference),
  ;; where packing B (k·n floats) would cost more than the product itself:
  ;;
  ;;     c[j] = Σ_p A(p) · b[p·sbp + j],   A(p) = a[p·sap],   j < n
  ;;
  ;; B's columns must be contiguous (the a·b and aᵀ·b layouts). Columns are taken 16 at a time in four f32x4
  ;; accumulators, then 4 at a time, then one by one. The sum runs in the same order as gemm's — a partial
  ;; sum per KC-deep block of p, started from zero, added onto the total of the earlier blocks — so a row
  ;; computed here is bit-identical to the same row computed by gemm.
  (func $gemvRow (export "gemvRow") (param $a i32) (param $sap i32) (param $b i32) (param $sbp i32)
                                     (param $c i32) (param $k i32) (param $n i32)
    (local $j i32) (local $pc i32) (local $kc i32) (local $p i32) (local $ap i32) (local $bp i32)
    (local $astep i32) (local $bstep i32) (local $x v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $ss f32) (local $ts f32) (local $sv v128)
    (local.set $astep (i32.shl (local.get $sap) (i32.const 2)))
    (local.set $bstep (i32.shl (local.get $sbp) (i32.const 2)))
    ;; 16 columns at a time
    (block $done16
      (loop $cols16
        (br_if $done16 (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $n)))
        (local.set $pc (i32.const 0))
        (loop $blocks
          (local.set $kc (call $min (global.get $KC) (i32.sub (local.get $k) (local.get $pc))))
          (local.set $s0 (v128.const i32x4 0 0 0 0))
          (local.set $s1 (v128.const i32x4 0 0 0 0))
          (local.set $s2 (v128.const i32x4 0 0 0 0))
          (local.set $s3 (v128.const i32x4 0 0 0 0))
          (local.set $ap (i32.add (local.get $a) (i32.mul (local.get $pc) (local.get $astep))))
          (local.set $bp (i32.add (local.get $b)
            (i32.shl (i32.add (i32.mul (local.get $pc) (local.get $sbp)) (local.get $j)) (i32.const 2))))
          (local.set $p (i32.const 0))
          (loop $depth
            (local.set $x (v128.load32_splat (local.get $ap)))
            (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $x) (v128.load (local.get $bp)))))
            (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $bp)))))
            (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $bp)))))
            (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $bp)))))
            (local.set $ap (i32.add (local.get $ap) (local.get $astep)))
            (local.set $bp (i32.add (local.get $bp) (local.get $bstep)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $depth (i32.lt_u (local.get $p) (local.get $kc))))
          (if (i32.eqz (local.get $pc))
            (then
              (local.set $t0 (local.get $s0)) (local.set $t1 (local.get $s1))
              (local.set $t2 (local.get $s2)) (local.set $t3 (local.get $s3)))
            (else
              (local.set $t0 (f32x4.add (local.get $s0) (local.get $t0)))
              (local.set $t1 (f32x4.add (local.get $s1) (local.get $t1)))
              (local.set $t2 (f32x4.add (local.get $s2) (local.get $t2)))
              (local.set $t3 (f32x4.add (local.get $s3) (local.get $t3)))))
          (local.set $pc (i32.add (local.get $pc) (global.get $KC)))
          (br_if $blocks (i32.lt_u (local.get $pc) (local.get $k))))
        (v128.store (local.get $c) (local.get $t0))
        (v128.store offset=16 (local.get $c) (local.get $t1))
        (v128.store offset=32 (local.get $c) (local.get $t2))
        (v128.store offset=48 (local.get $c) (local.get $t3))
        (local.set $c (i32.add (local.get $c) (i32.const 64)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $cols16)))
    ;; 4 columns at a time
    (block $done4
      (loop $cols4
        (br_if $done4 (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
        (local.set $pc (i32.const 0))
        (loop $blocks4
          (local.set $kc (call $min (global.get $KC) (i32.sub (local.get $k) (local.get $pc))))
          (local.set $s0 (v128.const i32x4 0 0 0 0))
          (local.set $ap (i32.add (local.get $a) (i32.mul (local.get $pc) (local.get $astep))))
          (local.set $bp (i32.add (local.get $b)
            (i32.shl (i32.add (i32.mul (local.get $pc) (local.get $sbp)) (local.get $j)) (i32.const 2))))
          (local.set $p (i32.const 0))
          (loop $depth4
            (local.set $s0 (f32x4.add (local.get $s0)
              (f32x4.mul (v128.load32_splat (local.get $ap)) (v128.load (local.get $bp)))))
            (local.set $ap (i32.add (local.get $ap) (local.get $astep)))
            (local.set $bp (i32.add (local.get $bp) (local.get $bstep)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $depth4 (i32.lt_u (local.get $p) (local.get $kc))))
          (if (i32.eqz (local.get $pc))
            (then (local.set $t0 (local.get $s0)))
            (else (local.set $t0 (f32x4.add (local.get $s0) (local.get $t0)))))
          (local.set $pc (i32.add (local.get $pc) (global.get $KC)))
          (br_if $blocks4 (i32.lt_u (local.get $pc) (local.get $k))))
        (v128.store (local.get $c) (local.get $t0))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $cols4)))
    ;; the last n % 4 columns
    (block $done1
      (loop $cols1
        (br_if $done1 (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $pc (i32.const 0))
        (loop $blocks1
          (local.set $kc (call $min (global.get $KC) (i32.sub (local.get $k) (local.get $pc))))
          (local.set $sv (v128.const i32x4 0 0 0 0))
          (local.set $ap (i32.add (local.get $a) (i32.mul (local.get $pc) (local.get $astep))))
          (local.set $bp (i32.add (local.get $b)
            (i32.shl (i32.add (i32.mul (local.get $pc) (local.get $sbp)) (local.get $j)) (i32.const 2))))
          (local.set $p (i32.const 0))
          (loop $depth1
            ;; one lane of a vector multiply-add: the same f32 operations, and the same fused or unfused
          ;; rounding as the vector columns in the relaxed-SIMD build
          (local.set $sv (f32x4.add (local.get $sv) (f32x4.mul (v128.load32_splat (local.get $ap)) (v128.load32_splat (local.get $bp)))))
            (local.set $ap (i32.add (local.get $ap) (local.get $astep)))
            (local.set $bp (i32.add (local.get $bp) (local.get $bstep)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $depth1 (i32.lt_u (local.get $p) (local.get $kc))))
        (local.set $ss (f32x4.extract_lane 0 (local.get $sv)))
          (if (i32.eqz (local.get $pc))
            (then (local.set $ts (local.get $ss)))
            (else (local.set $ts (f32.add (local.get $ss) (local.get $ts)))))
          (local.set $pc (i32.add (local.get $pc) (global.get $KC)))
          (br_if $blocks1 (i32.lt_u (local.get $pc) (local.get $k))))
        (f32.store (local.get $c) (local.get $ts))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $cols1))))

  ;; C[m×n] (row-major at c, ldc elements between rows) = Σ_p A(i,p)·B(p,j); see the top of the file.
  ;; m, k, n ≥ 1. ldc > n lets a thread compute a block of columns of a wider C.
  (func $gemm (export "gemm")
    (param $a i32) (param $sai i32) (param $sap i32)
    (param $b i32) (param $sbp i32) (param $sbj i32)
    (param $c i32) (param $ldce i32) (param $m i32) (param $k i32) (param $n i32) (param $work i32)
    (local $apack i32) (local $bpack i32) (local $tile i32) (local $ldc i32)
    (local $jc i32) (local $nc i32) (local $pc i32) (local $kc i32) (local $ic i32) (local $mc i32)
    (local $jr i32) (local $ir i32) (local $rows i32) (local $cols i32) (local $acc i32)
    (local $cptr i32) (local $apanel i32) (local $bpanel i32)
    ;; work area: packed A (MC·KC floats), packed B (KC·NC floats), edge tile (32 floats)
    (local.set $apack (local.get $work))
    (local.set $bpack (i32.add (local.get $apack) (i32.shl (i32.mul (global.get $MC) (global.get $KC)) (i32.const 2))))
    (local.set $tile (i32.add (local.get $bpack) (i32.shl (i32.mul (global.get $KC) (global.get $NC)) (i32.const 2))))
    (local.set $ldc (i32.shl (local.get $ldce) (i32.const 2)))
    (loop $jcLoop ;; column blocks of C and B
      (local.set $nc (call $min (global.get $NC) (i32.sub (local.get $n) (local.get $jc))))
      (local.set $pc (i32.const 0))
      (loop $pcLoop ;; k-blocks: the first writes C, later ones add to it
        (local.set $kc (call $min (global.get $KC) (i32.sub (local.get $k) (local.get $pc))))
        (local.set $acc (i32.ne (local.get $pc) (i32.const 0)))
        (call $packB (local.get $b) (local.get $sbp) (local.get $sbj) (local.get $pc) (local.get $kc)
                     (local.get $jc) (local.get $nc) (local.get $bpack))
        (local.set $ic (i32.const 0))
        (loop $icLoop ;; row blocks of C and A
          (local.set $mc (call $min (global.get $MC) (i32.sub (local.get $m) (local.get $ic))))
          (call $packA (local.get $a) (local.get $sai) (local.get $sap) (local.get $ic) (local.get $mc)
                       (local.get $pc) (local.get $kc) (local.get $apack))
          (local.set $jr (i32.const 0))
          (loop $jrLoop ;; 8-column panels of the B block
            (local.set $cols (call $min (i32.const 8) (i32.sub (local.get $nc) (local.get $jr))))
            (local.set $bpanel (i32.add (local.get $bpack) (i32.shl (i32.mul (local.get $jr) (local.get $kc)) (i32.const 2))))
            (local.set $ir (i32.const 0))
            (loop $irLoop ;; 4-row panels of the A block
              (local.set $rows (call $min (i32.const 4) (i32.sub (local.get $mc) (local.get $ir))))
              (local.set $apanel (i32.add (local.get $apack) (i32.shl (i32.mul (local.get $ir) (local.get $kc)) (i32.const 2))))
              ;; &C(ic + ir, jc + jr)
              (local.set $cptr
                (i32.add (local.get $c)
                  (i32.shl
                    (i32.add
                      (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $ldce))
                      (i32.add (local.get $jc) (local.get $jr)))
                    (i32.const 2))))
              (if (i32.and (i32.eq (local.get $rows) (i32.const 4)) (i32.eq (local.get $cols) (i32.const 8)))
                (then
                  (call $micro (local.get $apanel) (local.get $bpanel) (local.get $kc)
                               (local.get $cptr) (local.get $ldc) (local.get $acc)))
                (else
                  ;; partial tile: compute it whole into the scratch tile, copy the valid part
                  (call $micro (local.get $apanel) (local.get $bpanel) (local.get $kc)
                               (local.get $tile) (i32.const 32) (i32.const 0))
                  (call $storeEdge (local.get $tile) (local.get $cptr) (local.get $ldc)
                                   (local.get $rows) (local.get $cols) (local.get $acc))))
              (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
              (br_if $irLoop (i32.lt_u (local.get $ir) (local.get $mc))))
            (local.set $jr (i32.add (local.get $jr) (i32.const 8)))
            (br_if $jrLoop (i32.lt_u (local.get $jr) (local.get $nc))))
          (local.set $ic (i32.add (local.get $ic) (global.get $MC)))
          (br_if $icLoop (i32.lt_u (local.get $ic) (local.get $m))))
        (local.set $pc (i32.add (local.get $pc) (global.get $KC)))
        (br_if $pcLoop (i32.lt_u (local.get $pc) (local.get $k))))
      (local.set $jc (i32.add (local.get $jc) (global.get $NC)))
      (br_if $jcLoop (i32.lt_u (local.get $jc) (local.get $n)))))
)
