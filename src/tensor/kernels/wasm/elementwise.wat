;; handgrad elementwise passes in WebAssembly SIMD (f32x4), for tensors that live in the kernels' memory
;; (see arena.ts): the finiteness scan, the bias row added to every row, and column sums (the bias
;; gradient). Four elements per instruction; the last n % 4 one at a time with the same f32 operation, so
;; results do not depend on where an element falls.
;;
;; All pointers are byte addresses; counts are in elements.
(module
  (memory (export "memory") 1)

  ;; Index of the first NaN or ±Infinity among n floats at p, or −1.
  ;; Fast scan: x·0 is 0 for every finite x and NaN for NaN/±Infinity, so the running sum of x·0 stays 0
  ;; exactly while every element is finite — no branch per element. Only a failing block of 64 elements
  ;; is searched one by one.
  (func (export "firstNonFinite") (param $p i32) (param $n i32) (result i32)
    (local $i i32) (local $end i32) (local $block i32) (local $acc v128) (local $zero v128) (local $j i32)
    (local.set $zero (f32x4.splat (f32.const 0)))
    (local.set $end (i32.and (local.get $n) (i32.const -64)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $acc (local.get $zero))
        (local.set $block (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $j (i32.const 0))
        (loop $lanes ;; 16 vectors = 64 floats
          (local.set $acc (f32x4.add (local.get $acc)
            (f32x4.mul (v128.load (i32.add (local.get $block) (local.get $j))) (local.get $zero))))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $lanes (i32.lt_u (local.get $j) (i32.const 256))))
        ;; acc is all zeros unless a lane met a non-finite value (then that lane is NaN)
        (if (i32.eqz (v128.any_true (f32x4.ne (local.get $acc) (local.get $acc))))
          (then (local.set $i (i32.add (local.get $i) (i32.const 64))) (br $blocks)))
        (br $done)))
    ;; from i on (a failing block, or the tail): element by element
    (block $none
      (loop $scalar
        (br_if $none (i32.ge_u (local.get $i) (local.get $n)))
        (if (f32.ne
              (f32.mul (f32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))) (f32.const 0))
              (f32.const 0))
          (then (return (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scalar)))
    (i32.const -1))

  ;; out[i, j] = x[i, j] + bias[j] for rows × cols (out may be x).
  (func (export "addRowVector") (param $x i32) (param $bias i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $j i32) (local $cols4 i32) (local $rowBytes i32) (local $o i32)
    (local.set $cols4 (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2)))
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $vdone
          (loop $v
            (br_if $vdone (i32.ge_u (local.get $j) (local.get $cols4)))
            (v128.store (i32.add (local.get $out) (local.get $j))
              (f32x4.add (v128.load (i32.add (local.get $x) (local.get $j)))
                         (v128.load (i32.add (local.get $bias) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $v)))
        (block $sdone
          (loop $s
            (br_if $sdone (i32.ge_u (local.get $j) (local.get $rowBytes)))
            (f32.store (i32.add (local.get $out) (local.get $j))
              (f32.add (f32.load (i32.add (local.get $x) (local.get $j)))
                       (f32.load (i32.add (local.get $bias) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $s)))
        (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
        (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; out[j] = Σ_i x[i, j] for rows ≥ 1 × cols, summed in row order (as the plain-JS loop does).
  (func (export "sumColumns") (param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $j i32) (local $cols4 i32) (local $rowBytes i32)
    (local.set $cols4 (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2)))
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    ;; out = first row, then add the others
    (block $copied
      (loop $copy
        (br_if $copied (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (f32.store (i32.add (local.get $out) (local.get $j)) (f32.load (i32.add (local.get $x) (local.get $j))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $copy)))
    (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
    (local.set $r (i32.const 1))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $vdone
          (loop $v
            (br_if $vdone (i32.ge_u (local.get $j) (local.get $cols4)))
            (v128.store (i32.add (local.get $out) (local.get $j))
              (f32x4.add (v128.load (i32.add (local.get $out) (local.get $j)))
                         (v128.load (i32.add (local.get $x) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $v)))
        (block $sdone
          (loop $s
            (br_if $sdone (i32.ge_u (local.get $j) (local.get $rowBytes)))
            (f32.store (i32.add (local.get $out) (local.get $j))
              (f32.add (f32.load (i32.add (local.get $out) (local.get $j)))
                       (f32.load (i32.add (local.get $x) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $s)))
        (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))
)
