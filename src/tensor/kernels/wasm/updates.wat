;; handgrad optimizer updates in WebAssembly SIMD (f32x4): the elementwise formulas of SGD, AdaGrad,
;; RMSProp and Adam (see src/optimizers/), four parameters per instruction.
;;
;; Every routine updates n elements in place at byte addresses w (parameters), g (gradients) and the
;; optimizer's state arrays; the caller (updates-kernels.ts) has copied them into this module's memory,
;; each 16-byte aligned. The loop handles four elements per step; the last n % 4 are done one at a time
;; with the same formula in f32 (so the tail rounds exactly like the vector body).
;; Scalars that depend only on the step (learning rate × bias correction, …) are computed by the caller.
(module
  (memory (export "memory") 1)

  ;; w ← w − lr · g
  (func (export "sgd") (param $w i32) (param $g i32) (param $n i32) (param $lr f32)
    (local $end i32) (local $end4 i32) (local $vlr v128)
    (local.set $vlr (f32x4.splat (local.get $lr)))
    (local.set $end (i32.add (local.get $w) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $w) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vdone
      (loop $v
        (br_if $vdone (i32.ge_u (local.get $w) (local.get $end4)))
        (v128.store (local.get $w)
          (f32x4.sub (v128.load (local.get $w)) (f32x4.mul (local.get $vlr) (v128.load (local.get $g)))))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $v)))
    (block $done
      (loop $s
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (f32.store (local.get $w)
          (f32.sub (f32.load (local.get $w)) (f32.mul (local.get $lr) (f32.load (local.get $g)))))
        (local.set $w (i32.add (local.get $w) (i32.const 4)))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (br $s))))

  ;; m ← μ · m − lr · g;   w ← w + m
  (func (export "sgdMomentum") (param $w i32) (param $g i32) (param $m i32) (param $n i32)
                               (param $mu f32) (param $lr f32)
    (local $end i32) (local $end4 i32) (local $vmu v128) (local $vlr v128) (local $u v128) (local $us f32)
    (local.set $vmu (f32x4.splat (local.get $mu)))
    (local.set $vlr (f32x4.splat (local.get $lr)))
    (local.set $end (i32.add (local.get $w) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $w) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vdone
      (loop $v
        (br_if $vdone (i32.ge_u (local.get $w) (local.get $end4)))
        (local.set $u (f32x4.sub (f32x4.mul (local.get $vmu) (v128.load (local.get $m)))
                                 (f32x4.mul (local.get $vlr) (v128.load (local.get $g)))))
        (v128.store (local.get $m) (local.get $u))
        (v128.store (local.get $w) (f32x4.add (v128.load (local.get $w)) (local.get $u)))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $m (i32.add (local.get $m) (i32.const 16)))
        (br $v)))
    (block $done
      (loop $s
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $us (f32.sub (f32.mul (local.get $mu) (f32.load (local.get $m)))
                                (f32.mul (local.get $lr) (f32.load (local.get $g)))))
        (f32.store (local.get $m) (local.get $us))
        (f32.store (local.get $w) (f32.add (f32.load (local.get $w)) (local.get $us)))
        (local.set $w (i32.add (local.get $w) (i32.const 4)))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (local.set $m (i32.add (local.get $m) (i32.const 4)))
        (br $s))))

  ;; cache ← ρ · cache + σ · g²  (AdaGrad: ρ = σ = 1; RMSProp: σ = 1 − ρ);   w ← w − lr · g / (√cache + ε)
  (func (export "scaledByCache") (param $w i32) (param $g i32) (param $c i32) (param $n i32)
                                 (param $rho f32) (param $sigma f32) (param $lr f32) (param $eps f32)
    (local $end i32) (local $end4 i32) (local $vrho v128) (local $vsigma v128) (local $vlr v128) (local $veps v128)
    (local $vg v128) (local $vc v128) (local $gs f32) (local $cs f32)
    (local.set $vrho (f32x4.splat (local.get $rho)))
    (local.set $vsigma (f32x4.splat (local.get $sigma)))
    (local.set $vlr (f32x4.splat (local.get $lr)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $end (i32.add (local.get $w) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $w) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vdone
      (loop $v
        (br_if $vdone (i32.ge_u (local.get $w) (local.get $end4)))
        (local.set $vg (v128.load (local.get $g)))
        (local.set $vc (f32x4.add (f32x4.mul (local.get $vrho) (v128.load (local.get $c)))
                                  (f32x4.mul (local.get $vsigma) (f32x4.mul (local.get $vg) (local.get $vg)))))
        (v128.store (local.get $c) (local.get $vc))
        (v128.store (local.get $w)
          (f32x4.sub (v128.load (local.get $w))
            (f32x4.div (f32x4.mul (local.get $vlr) (local.get $vg))
                       (f32x4.add (f32x4.sqrt (local.get $vc)) (local.get $veps)))))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $v)))
    (block $done
      (loop $s
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $gs (f32.load (local.get $g)))
        (local.set $cs (f32.add (f32.mul (local.get $rho) (f32.load (local.get $c)))
                                (f32.mul (local.get $sigma) (f32.mul (local.get $gs) (local.get $gs)))))
        (f32.store (local.get $c) (local.get $cs))
        (f32.store (local.get $w)
          (f32.sub (f32.load (local.get $w))
            (f32.div (f32.mul (local.get $lr) (local.get $gs))
                     (f32.add (f32.sqrt (local.get $cs)) (local.get $eps)))))
        (local.set $w (i32.add (local.get $w) (i32.const 4)))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $s))))

  ;; Adam: m ← β₁ · m + (1 − β₁) · g;   c ← β₂ · c + (1 − β₂) · g²;
  ;;       w ← w − (lr / (1 − β₁ᵗ)) · m / (√(c · 1/(1 − β₂ᵗ)) + ε)
  ;; $lrm = lr / (1 − β₁ᵗ), $cscale = 1 / (1 − β₂ᵗ) and 1 − β₁, 1 − β₂ ($s1, $s2) come from the caller,
  ;; computed in f64 and rounded once (1 − β₂ in f32 from a rounded β₂ = 0.999 would be off by 1e-5).
  ;; When $bw is not 0, the old w, m and c are written to $bw, $bm, $bc as they are read (the checkpoint
  ;; that lets a step be undone, without a separate copy pass).
  (func (export "adam") (param $w i32) (param $g i32) (param $m i32) (param $c i32) (param $n i32)
                        (param $b1 f32) (param $s1 f32) (param $b2 f32) (param $s2 f32)
                        (param $lrm f32) (param $cscale f32) (param $eps f32)
                        (param $bw i32) (param $bm i32) (param $bc i32)
    (local $end i32) (local $end4 i32)
    (local $vb1 v128) (local $v1b1 v128) (local $vb2 v128) (local $v1b2 v128) (local $vlrm v128) (local $vcs v128)
    (local $veps v128) (local $vg v128) (local $vm v128) (local $vc v128)
    (local $gs f32) (local $ms f32) (local $cs f32)
    (local.set $vb1 (f32x4.splat (local.get $b1)))
    (local.set $v1b1 (f32x4.splat (local.get $s1)))
    (local.set $vb2 (f32x4.splat (local.get $b2)))
    (local.set $v1b2 (f32x4.splat (local.get $s2)))
    (local.set $vlrm (f32x4.splat (local.get $lrm)))
    (local.set $vcs (f32x4.splat (local.get $cscale)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $end (i32.add (local.get $w) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $w) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vdone
      (loop $v
        (br_if $vdone (i32.ge_u (local.get $w) (local.get $end4)))
        (if (local.get $bw)
          (then
            (v128.store (local.get $bw) (v128.load (local.get $w)))
            (v128.store (local.get $bm) (v128.load (local.get $m)))
            (v128.store (local.get $bc) (v128.load (local.get $c)))
            (local.set $bw (i32.add (local.get $bw) (i32.const 16)))
            (local.set $bm (i32.add (local.get $bm) (i32.const 16)))
            (local.set $bc (i32.add (local.get $bc) (i32.const 16)))))
        (local.set $vg (v128.load (local.get $g)))
        (local.set $vm (f32x4.add (f32x4.mul (local.get $vb1) (v128.load (local.get $m)))
                                  (f32x4.mul (local.get $v1b1) (local.get $vg))))
        (local.set $vc (f32x4.add (f32x4.mul (local.get $vb2) (v128.load (local.get $c)))
                                  (f32x4.mul (local.get $v1b2) (f32x4.mul (local.get $vg) (local.get $vg)))))
        (v128.store (local.get $m) (local.get $vm))
        (v128.store (local.get $c) (local.get $vc))
        (v128.store (local.get $w)
          (f32x4.sub (v128.load (local.get $w))
            (f32x4.div (f32x4.mul (local.get $vlrm) (local.get $vm))
                       (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $vc) (local.get $vcs))) (local.get $veps)))))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $m (i32.add (local.get $m) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $v)))
    (block $done
      (loop $s
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (if (local.get $bw)
          (then
            (f32.store (local.get $bw) (f32.load (local.get $w)))
            (f32.store (local.get $bm) (f32.load (local.get $m)))
            (f32.store (local.get $bc) (f32.load (local.get $c)))
            (local.set $bw (i32.add (local.get $bw) (i32.const 4)))
            (local.set $bm (i32.add (local.get $bm) (i32.const 4)))
            (local.set $bc (i32.add (local.get $bc) (i32.const 4)))))
        (local.set $gs (f32.load (local.get $g)))
        (local.set $ms (f32.add (f32.mul (local.get $b1) (f32.load (local.get $m)))
                                (f32.mul (local.get $s1) (local.get $gs))))
        (local.set $cs (f32.add (f32.mul (local.get $b2) (f32.load (local.get $c)))
                                (f32.mul (local.get $s2) (f32.mul (local.get $gs) (local.get $gs)))))
        (f32.store (local.get $m) (local.get $ms))
        (f32.store (local.get $c) (local.get $cs))
        (f32.store (local.get $w)
          (f32.sub (f32.load (local.get $w))
            (f32.div (f32.mul (local.get $lrm) (local.get $ms))
                     (f32.add (f32.sqrt (f32.mul (local.get $cs) (local.get $cscale))) (local.get $eps)))))
        (local.set $w (i32.add (local.get $w) (i32.const 4)))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (local.set $m (i32.add (local.get $m) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $s))))
)
