;; handgrad convolutional-network kernels in WebAssembly SIMD (f32x4): im2col and its adjoint col2im,
;; ReLU forward/backward, max pooling forward/backward, the direct convolutions, batch normalisation.
;; The readable definitions, with the maths, are the plain-JS versions in src/tensor/im2col.ts,
;; pooling.ts, relu.ts and batch-norm.ts; these compute the same values (bit for bit: they copy, add in
;; the same order, compare and mask, or evaluate the same float64 expression) — except the direct
;; convolutions, whose sums run in another order.
;;
;; Every address is a byte address in this module's memory, where the caller (conv-kernels.ts) has
;; copied the operands (each 16-byte aligned). Images are NHWC float32, and a window's geometry comes as
;; (batch, H, W, C, kh, kw, sy, sx, padTop, padLeft, outH, outW), as in src/tensor/window-geometry.ts.
;; Channels are innermost, so every loop over them runs four at a time with v128 and finishes the last
;; C % 4 one at a time.
(module
  (memory (export "memory") 1)

  ;; dst[0..n) = src[0..n)   (floats; unaligned v128 moves, then the tail)
  (func $copy (param $src i32) (param $dst i32) (param $n i32)
    (local $end4 i32) (local $end i32)
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vdone
      (loop $v
        (br_if $vdone (i32.ge_u (local.get $src) (local.get $end4)))
        (v128.store (local.get $dst) (v128.load (local.get $src)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $v)))
    (block $done
      (loop $s
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (f32.store (local.get $dst) (f32.load (local.get $src)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $s))))

  ;; dst[0..n) += src[0..n)
  (func $accumulate (export "accumulate") (param $src i32) (param $dst i32) (param $n i32)
    (local $end4 i32) (local $end i32)
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vdone
      (loop $v
        (br_if $vdone (i32.ge_u (local.get $src) (local.get $end4)))
        (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $v)))
    (block $done
      (loop $s
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $s))))

  ;; dst[0..n) = 0
  (func $zero (param $dst i32) (param $n i32)
    (local $end4 i32) (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vdone
      (loop $v
        (br_if $vdone (i32.ge_u (local.get $dst) (local.get $end4)))
        (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $v)))
    (block $done
      (loop $s
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst) (f32.const 0))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $s))))

  ;; im2col (forward = 1) or col2im (forward = 0) over every window position, in one traversal so the two
  ;; stay each other's adjoint by construction. Row r of the column matrix `cols` holds, in (ky, kx, c)
  ;; order, the kh·kw·C input values output pixel r sees (0 for padding), then a 1 when `ones` is set.
  ;; im2col writes every element of cols; col2im adds each row back onto the inputs it came from (x must
  ;; be zeroed first; padding entries are skipped) and skips the ones column.
  (func $windows (param $forward i32) (param $x i32) (param $cols i32)
                 (param $batch i32) (param $H i32) (param $W i32) (param $C i32) (param $kh i32) (param $kw i32)
                 (param $sy i32) (param $sx i32) (param $pt i32) (param $pl i32) (param $oh i32) (param $ow i32)
                 (param $ones i32)
    (local $n i32) (local $oy i32) (local $ox i32) (local $ky i32) (local $kx i32)
    (local $iy i32) (local $ix i32) (local $iy0 i32) (local $ix0 i32)
    (local $run i32) (local $o i32) (local $src i32)
    (local.set $run (i32.mul (local.get $kw) (local.get $C)))
    (local.set $o (local.get $cols))
    (local.set $n (i32.const 0))
    (block $ndone (loop $nloop
      (br_if $ndone (i32.ge_u (local.get $n) (local.get $batch)))
      (local.set $oy (i32.const 0))
      (block $oydone (loop $oyloop
        (br_if $oydone (i32.ge_u (local.get $oy) (local.get $oh)))
        (local.set $iy0 (i32.sub (i32.mul (local.get $oy) (local.get $sy)) (local.get $pt)))
        (local.set $ox (i32.const 0))
        (block $oxdone (loop $oxloop
          (br_if $oxdone (i32.ge_u (local.get $ox) (local.get $ow)))
          (local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $sx)) (local.get $pl)))
          (local.set $ky (i32.const 0))
          (block $kydone (loop $kyloop
            (br_if $kydone (i32.ge_u (local.get $ky) (local.get $kh)))
            (local.set $iy (i32.add (local.get $iy0) (local.get $ky)))
            (if (i32.or (i32.lt_s (local.get $iy) (i32.const 0)) (i32.ge_s (local.get $iy) (local.get $H)))
              (then
                ;; a padding row
                (if (local.get $forward) (then (call $zero (local.get $o) (local.get $run)))))
              (else
                (if (i32.and (i32.ge_s (local.get $ix0) (i32.const 0))
                             (i32.le_s (i32.add (local.get $ix0) (local.get $kw)) (local.get $W)))
                  (then
                    ;; the whole row of the window is inside: one run of kw·C contiguous values
                    (local.set $src (i32.add (local.get $x) (i32.shl
                      (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $H)) (local.get $iy)) (local.get $W))
                                        (local.get $ix0)) (local.get $C)) (i32.const 2))))
                    (if (local.get $forward)
                      (then (call $copy (local.get $src) (local.get $o) (local.get $run)))
                      (else (call $accumulate (local.get $o) (local.get $src) (local.get $run)))))
                  (else
                    ;; a row crossing the left or right padding: pixel by pixel
                    (local.set $kx (i32.const 0))
                    (block $kxdone (loop $kxloop
                      (br_if $kxdone (i32.ge_u (local.get $kx) (local.get $kw)))
                      (local.set $ix (i32.add (local.get $ix0) (local.get $kx)))
                      (local.set $src (i32.add (local.get $o) (i32.shl (i32.mul (local.get $kx) (local.get $C)) (i32.const 2))))
                      (if (i32.or (i32.lt_s (local.get $ix) (i32.const 0)) (i32.ge_s (local.get $ix) (local.get $W)))
                        (then (if (local.get $forward) (then (call $zero (local.get $src) (local.get $C)))))
                        (else
                          (if (local.get $forward)
                            (then (call $copy
                              (i32.add (local.get $x) (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $H)) (local.get $iy)) (local.get $W)) (local.get $ix)) (local.get $C)) (i32.const 2)))
                              (local.get $src) (local.get $C)))
                            (else (call $accumulate
                              (local.get $src)
                              (i32.add (local.get $x) (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $H)) (local.get $iy)) (local.get $W)) (local.get $ix)) (local.get $C)) (i32.const 2)))
                              (local.get $C))))))
                      (local.set $kx (i32.add (local.get $kx) (i32.const 1)))
                      (br $kxloop)))))))
            (local.set $o (i32.add (local.get $o) (i32.shl (local.get $run) (i32.const 2))))
            (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
            (br $kyloop)))
          (if (local.get $ones)
            (then
              (if (local.get $forward) (then (f32.store (local.get $o) (f32.const 1))))
              (local.set $o (i32.add (local.get $o) (i32.const 4)))))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $oxloop)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $oyloop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nloop))))

  ;; cols = im2col(x)
  (func (export "im2col") (param $x i32) (param $cols i32)
        (param $batch i32) (param $H i32) (param $W i32) (param $C i32) (param $kh i32) (param $kw i32)
        (param $sy i32) (param $sx i32) (param $pt i32) (param $pl i32) (param $oh i32) (param $ow i32)
        (param $ones i32)
    (call $windows (i32.const 1) (local.get $x) (local.get $cols) (local.get $batch) (local.get $H) (local.get $W)
      (local.get $C) (local.get $kh) (local.get $kw) (local.get $sy) (local.get $sx) (local.get $pt) (local.get $pl)
      (local.get $oh) (local.get $ow) (local.get $ones)))

  ;; dx = col2im(cols): zeroed, then every row of cols added back where im2col took it from
  (func (export "col2im") (param $cols i32) (param $dx i32)
        (param $batch i32) (param $H i32) (param $W i32) (param $C i32) (param $kh i32) (param $kw i32)
        (param $sy i32) (param $sx i32) (param $pt i32) (param $pl i32) (param $oh i32) (param $ow i32)
        (param $ones i32)
    (call $zero (local.get $dx) (i32.mul (i32.mul (local.get $batch) (local.get $H)) (i32.mul (local.get $W) (local.get $C))))
    (call $windows (i32.const 0) (local.get $dx) (local.get $cols) (local.get $batch) (local.get $H) (local.get $W)
      (local.get $C) (local.get $kh) (local.get $kw) (local.get $sy) (local.get $sx) (local.get $pt) (local.get $pl)
      (local.get $oh) (local.get $ow) (local.get $ones)))

  ;; y = max(0, x) elementwise (y may be x), with ReLU's rules for the odd values: NaN stays NaN and −∞
  ;; becomes NaN (an overflowed pre-activation is reported, not silently zeroed); −0 becomes +0.
  (func (export "relu") (param $x i32) (param $y i32) (param $n i32)
    (local $end4 i32) (local $end i32) (local $v v128) (local $s f32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vdone
      (loop $l
        (br_if $vdone (i32.ge_u (local.get $x) (local.get $end4)))
        (local.set $v (v128.load (local.get $x)))
        ;; f32x4.max keeps NaN and orders −0 below +0; −∞ lanes are replaced by NaN
        (v128.store (local.get $y)
          (v128.bitselect
            (v128.const f32x4 nan nan nan nan)
            (f32x4.max (local.get $v) (v128.const f32x4 0 0 0 0))
            (f32x4.eq (local.get $v) (v128.const f32x4 -inf -inf -inf -inf))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $l)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $s (f32.load (local.get $x)))
        (f32.store (local.get $y)
          (select (f32.const nan) (f32.max (local.get $s) (f32.const 0)) (f32.eq (local.get $s) (f32.const -inf))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $y (i32.add (local.get $y) (i32.const 4)))
        (br $l))))

  ;; dx = dy · 1[x > 0] elementwise (a product, as the JS loop: a non-finite dy where x ≤ 0 gives NaN)
  (func (export "reluBackward") (param $dy i32) (param $x i32) (param $dx i32) (param $n i32)
    (local $end4 i32) (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vdone
      (loop $l
        (br_if $vdone (i32.ge_u (local.get $x) (local.get $end4)))
        (v128.store (local.get $dx)
          (f32x4.mul (v128.load (local.get $dy))
            (v128.and (f32x4.gt (v128.load (local.get $x)) (v128.const f32x4 0 0 0 0)) (v128.const f32x4 1 1 1 1))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
        (br $l)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (f32.store (local.get $dx)
          (f32.mul (f32.load (local.get $dy))
            (select (f32.const 1) (f32.const 0) (f32.gt (f32.load (local.get $x)) (f32.const 0)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 4)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 4)))
        (br $l))))

  ;; Max pooling: y[o] = max over the window's real pixels of x, and argmax[o] = the flat index (in
  ;; floats from x) of the winner — the first maximum in window order, or the last NaN (a NaN wins, so
  ;; it is never hidden). Per channel group: the running winner starts at the window's first pixel and
  ;; a pixel takes over where it is strictly greater or NaN (the first pixel against itself: only NaN).
  ;; Images [first, first + batch) of the batch at x (indices count from x; y and argmax point at the
  ;; first image's outputs), so threads can each take a range of images.
  (func (export "maxPool") (param $x i32) (param $y i32) (param $am i32)
        (param $batch i32) (param $H i32) (param $W i32) (param $C i32) (param $kh i32) (param $kw i32)
        (param $sy i32) (param $sx i32) (param $pt i32) (param $pl i32) (param $oh i32) (param $ow i32)
        (param $first i32)
    (local $n i32) (local $oy i32) (local $ox i32) (local $c i32) (local $C4 i32)
    (local $iy i32) (local $ix i32) (local $y0 i32) (local $y1 i32) (local $x0 i32) (local $x1 i32)
    (local $i i32) (local $take v128) (local $v v128) (local $best v128) (local $bi v128)
    (local $s f32) (local $sb f32) (local $si i32)
    (local.set $C4 (i32.and (local.get $C) (i32.const -4)))
    (local.set $n (local.get $first))
    (local.set $batch (i32.add (local.get $first) (local.get $batch)))
    (block $ndone (loop $nloop
      (br_if $ndone (i32.ge_u (local.get $n) (local.get $batch)))
      (local.set $oy (i32.const 0))
      (block $oydone (loop $oyloop
        (br_if $oydone (i32.ge_u (local.get $oy) (local.get $oh)))
        ;; rows [y0, y1) of the window inside the image
        (local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $sy)) (local.get $pt)))
        (local.set $y1 (i32.add (local.get $y0) (local.get $kh)))
        (if (i32.lt_s (local.get $y0) (i32.const 0)) (then (local.set $y0 (i32.const 0))))
        (if (i32.gt_s (local.get $y1) (local.get $H)) (then (local.set $y1 (local.get $H))))
        (local.set $ox (i32.const 0))
        (block $oxdone (loop $oxloop
          (br_if $oxdone (i32.ge_u (local.get $ox) (local.get $ow)))
          (local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $sx)) (local.get $pl)))
          (local.set $x1 (i32.add (local.get $x0) (local.get $kw)))
          (if (i32.lt_s (local.get $x0) (i32.const 0)) (then (local.set $x0 (i32.const 0))))
          (if (i32.gt_s (local.get $x1) (local.get $W)) (then (local.set $x1 (local.get $W))))
          ;; four channels at a time
          (local.set $c (i32.const 0))
          (block $cdone (loop $cloop
            (br_if $cdone (i32.ge_u (local.get $c) (local.get $C4)))
            ;; element index of channel c at the window's first pixel
            (local.set $i (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $H)) (local.get $y0)) (local.get $W)) (local.get $x0)) (local.get $C)) (local.get $c)))
            (local.set $best (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $bi (i32x4.add (i32x4.splat (local.get $i)) (v128.const i32x4 0 1 2 3)))
            (local.set $iy (local.get $y0))
            (block $iydone (loop $iyloop
              (br_if $iydone (i32.ge_s (local.get $iy) (local.get $y1)))
              (local.set $ix (local.get $x0))
              (block $ixdone (loop $ixloop
                (br_if $ixdone (i32.ge_s (local.get $ix) (local.get $x1)))
                (local.set $i (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $H)) (local.get $iy)) (local.get $W)) (local.get $ix)) (local.get $C)) (local.get $c)))
                (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $take (v128.or (f32x4.gt (local.get $v) (local.get $best)) (f32x4.ne (local.get $v) (local.get $v))))
                (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $take)))
                (local.set $bi (v128.bitselect
                  (i32x4.add (i32x4.splat (local.get $i)) (v128.const i32x4 0 1 2 3)) (local.get $bi) (local.get $take)))
                (local.set $ix (i32.add (local.get $ix) (i32.const 1)))
                (br $ixloop)))
              (local.set $iy (i32.add (local.get $iy) (i32.const 1)))
              (br $iyloop)))
            (v128.store (local.get $y) (local.get $best))
            (v128.store (local.get $am) (local.get $bi))
            (local.set $y (i32.add (local.get $y) (i32.const 16)))
            (local.set $am (i32.add (local.get $am) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $cloop)))
          ;; the last C % 4 channels, one at a time, by the same rule
          (block $sdone (loop $sloop
            (br_if $sdone (i32.ge_u (local.get $c) (local.get $C)))
            (local.set $si (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $H)) (local.get $y0)) (local.get $W)) (local.get $x0)) (local.get $C)) (local.get $c)))
            (local.set $sb (f32.load (i32.add (local.get $x) (i32.shl (local.get $si) (i32.const 2)))))
            (local.set $iy (local.get $y0))
            (block $iydone (loop $iyloop
              (br_if $iydone (i32.ge_s (local.get $iy) (local.get $y1)))
              (local.set $ix (local.get $x0))
              (block $ixdone (loop $ixloop
                (br_if $ixdone (i32.ge_s (local.get $ix) (local.get $x1)))
                (local.set $i (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $H)) (local.get $iy)) (local.get $W)) (local.get $ix)) (local.get $C)) (local.get $c)))
                (local.set $s (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
                (if (i32.or (f32.gt (local.get $s) (local.get $sb)) (f32.ne (local.get $s) (local.get $s)))
                  (then (local.set $sb (local.get $s)) (local.set $si (local.get $i))))
                (local.set $ix (i32.add (local.get $ix) (i32.const 1)))
                (br $ixloop)))
              (local.set $iy (i32.add (local.get $iy) (i32.const 1)))
              (br $iyloop)))
            (f32.store (local.get $y) (local.get $sb))
            (i32.store (local.get $am) (local.get $si))
            (local.set $y (i32.add (local.get $y) (i32.const 4)))
            (local.set $am (i32.add (local.get $am) (i32.const 4)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $sloop)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $oxloop)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $oyloop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nloop))))

  ;; Max-pooling backward: dx[zeroFrom, zeroFrom + zeroCount) = 0, then dx[argmax[o]] += dy[o] for the
  ;; `count` outputs o at dy/argmax. A range of whole images zeroes its own inputs, which are the only
  ;; ones its winners point at, so threads can each take a range.
  (func (export "maxPoolBackward") (param $dy i32) (param $am i32) (param $count i32) (param $dx i32)
        (param $zeroFrom i32) (param $zeroCount i32)
    (local $end i32) (local $at i32)
    (call $zero (i32.add (local.get $dx) (i32.shl (local.get $zeroFrom) (i32.const 2))) (local.get $zeroCount))
    (local.set $end (i32.add (local.get $dy) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $dy) (local.get $end)))
        (local.set $at (i32.add (local.get $dx) (i32.shl (i32.load (local.get $am)) (i32.const 2))))
        (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (f32.load (local.get $dy))))
        (local.set $dy (i32.add (local.get $dy) (i32.const 4)))
        (local.set $am (i32.add (local.get $am) (i32.const 4)))
        (br $l))))

  ;; ---- Direct convolution: 'valid' padding, filters a multiple of 8 ----
  ;;
  ;; The three products of Conv2D without the im2col matrix: the kernels read the image where it is. Output
  ;; position q of image n (oy = q / outW, ox = q % outW) sees, for kernel row ky, the kw·C contiguous
  ;; values at  x + ((n·H + oy·sy + ky)·W + ox·sx)·C; entry t = (ky, kx, c) of its im2col row sits at
  ;; offset  ky·W·C + (kx·C + c)  from the pixel's base. Each kernel works on a register tile of 4 output
  ;; positions (or 4 rows of dW) × 8 filters: per step 4 broadcast loads, 2 vector loads, 8 multiplies and
  ;; 8 adds — the shape of matmul.wat's micro-kernel, with nothing packed or copied. Tiles past the end
  ;; repeat the last position and are not stored. Sums run in a different order than the GEMM's, so the
  ;; results agree with the im2col path to float32 rounding, not bit for bit.

  ;; byte address of the first input value output position q of image n sees
  (func $pixelBase (param $x i32) (param $n i32) (param $q i32) (param $H i32) (param $W i32) (param $C i32)
                   (param $sy i32) (param $sx i32) (param $ow i32) (result i32)
    (local $oy i32)
    (local.set $oy (i32.div_u (local.get $q) (local.get $ow)))
    (i32.add (local.get $x) (i32.shl
      (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $H)) (i32.mul (local.get $oy) (local.get $sy)))
                                 (local.get $W))
                        (i32.mul (i32.sub (local.get $q) (i32.mul (local.get $oy) (local.get $ow))) (local.get $sx)))
               (local.get $C))
      (i32.const 2))))

  ;; y[n, q, f] = bias[f] + Σ_{ky, kx, c} x[n, oy·sy + ky, ox·sx + kx, c] · w[(ky·kw + kx)·C + c, f]
  ;; (w: the HWIO weights read as a [kh·kw·C, F] matrix; y: [batch·outH·outW, F])
  (func (export "convForward") (param $x i32) (param $w i32) (param $bias i32) (param $y i32)
        (param $batch i32) (param $H i32) (param $W i32) (param $C i32) (param $kh i32) (param $kw i32)
        (param $sy i32) (param $sx i32) (param $oh i32) (param $ow i32) (param $F i32)
    (local $n i32) (local $q i32) (local $j i32) (local $pixels i32) (local $rows i32) (local $last i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $ky i32) (local $off i32) (local $end i32) (local $runBytes i32) (local $rowBytes i32)
    (local $wp i32) (local $fBytes i32) (local $out i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $pixels (i32.mul (local.get $oh) (local.get $ow)))
    (local.set $runBytes (i32.shl (i32.mul (local.get $kw) (local.get $C)) (i32.const 2)))
    (local.set $rowBytes (i32.shl (i32.mul (local.get $W) (local.get $C)) (i32.const 2)))
    (local.set $fBytes (i32.shl (local.get $F) (i32.const 2)))
    (local.set $n (i32.const 0))
    (block $ndone (loop $nloop
      (br_if $ndone (i32.ge_u (local.get $n) (local.get $batch)))
      (local.set $j (i32.const 0))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_u (local.get $j) (local.get $F)))
        (local.set $q (i32.const 0))
        (block $qdone (loop $qloop
          (br_if $qdone (i32.ge_u (local.get $q) (local.get $pixels)))
          (local.set $rows (i32.sub (local.get $pixels) (local.get $q)))
          (if (i32.gt_u (local.get $rows) (i32.const 4)) (then (local.set $rows (i32.const 4))))
          (local.set $last (i32.sub (i32.add (local.get $q) (local.get $rows)) (i32.const 1)))
          (local.set $p0 (call $pixelBase (local.get $x) (local.get $n) (local.get $q) (local.get $H) (local.get $W) (local.get $C) (local.get $sy) (local.get $sx) (local.get $ow)))
          (local.set $p1 (call $pixelBase (local.get $x) (local.get $n) (select (i32.add (local.get $q) (i32.const 1)) (local.get $last) (i32.gt_u (local.get $rows) (i32.const 1))) (local.get $H) (local.get $W) (local.get $C) (local.get $sy) (local.get $sx) (local.get $ow)))
          (local.set $p2 (call $pixelBase (local.get $x) (local.get $n) (select (i32.add (local.get $q) (i32.const 2)) (local.get $last) (i32.gt_u (local.get $rows) (i32.const 2))) (local.get $H) (local.get $W) (local.get $C) (local.get $sy) (local.get $sx) (local.get $ow)))
          (local.set $p3 (call $pixelBase (local.get $x) (local.get $n) (local.get $last) (local.get $H) (local.get $W) (local.get $C) (local.get $sy) (local.get $sx) (local.get $ow)))
          ;; start from the bias
          (local.set $c00 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $c01 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $c10 (local.get $c00)) (local.set $c11 (local.get $c01))
          (local.set $c20 (local.get $c00)) (local.set $c21 (local.get $c01))
          (local.set $c30 (local.get $c00)) (local.set $c31 (local.get $c01))
          (local.set $wp (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $ky (i32.const 0))
          (block $kydone (loop $kyloop
            (br_if $kydone (i32.ge_u (local.get $ky) (local.get $kh)))
            (local.set $off (i32.mul (local.get $ky) (local.get $rowBytes)))
            (local.set $end (i32.add (local.get $off) (local.get $runBytes)))
            (block $tdone (loop $tloop
              (br_if $tdone (i32.ge_u (local.get $off) (local.get $end)))
              (local.set $b0 (v128.load (local.get $wp)))
              (local.set $b1 (v128.load offset=16 (local.get $wp)))
              (local.set $a (v128.load32_splat (i32.add (local.get $p0) (local.get $off))))
              (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
              (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
              (local.set $a (v128.load32_splat (i32.add (local.get $p1) (local.get $off))))
              (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
              (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
              (local.set $a (v128.load32_splat (i32.add (local.get $p2) (local.get $off))))
              (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
              (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
              (local.set $a (v128.load32_splat (i32.add (local.get $p3) (local.get $off))))
              (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
              (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
              (local.set $off (i32.add (local.get $off) (i32.const 4)))
              (local.set $wp (i32.add (local.get $wp) (local.get $fBytes)))
              (br $tloop)))
            (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
            (br $kyloop)))
          (local.set $out (i32.add (local.get $y) (i32.shl
            (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $pixels)) (local.get $q)) (local.get $F)) (local.get $j))
            (i32.const 2))))
          (v128.store (local.get $out) (local.get $c00))
          (v128.store offset=16 (local.get $out) (local.get $c01))
          (if (i32.gt_u (local.get $rows) (i32.const 1)) (then
            (local.set $out (i32.add (local.get $out) (local.get $fBytes)))
            (v128.store (local.get $out) (local.get $c10))
            (v128.store offset=16 (local.get $out) (local.get $c11))))
          (if (i32.gt_u (local.get $rows) (i32.const 2)) (then
            (local.set $out (i32.add (local.get $out) (local.get $fBytes)))
            (v128.store (local.get $out) (local.get $c20))
            (v128.store offset=16 (local.get $out) (local.get $c21))))
          (if (i32.gt_u (local.get $rows) (i32.const 3)) (then
            (local.set $out (i32.add (local.get $out) (local.get $fBytes)))
            (v128.store (local.get $out) (local.get $c30))
            (v128.store offset=16 (local.get $out) (local.get $c31))))
          (local.set $q (i32.add (local.get $q) (i32.const 4)))
          (br $qloop)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $jloop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nloop))))

  ;; dw[t, f] = Σ_{n, q} x[n, q's window entry t] · g[n, q, f]   (t = (ky, kx, c), K = kh·kw·C rows)
  ;; db[f]    = Σ_{n, q} g[n, q, f]                              (the K + 1st row: dw and db are one buffer)
  ;; Zeroed first; then per image (so its pixels and gradients stay in cache), per tile of 4 rows × 8
  ;; filters, the image's sum is formed in registers and added to dw.
  (func (export "convBackwardFilter") (param $x i32) (param $g i32) (param $dw i32)
        (param $batch i32) (param $H i32) (param $W i32) (param $C i32) (param $kh i32) (param $kw i32)
        (param $sy i32) (param $sx i32) (param $oh i32) (param $ow i32) (param $F i32)
    (local $n i32) (local $t i32) (local $j i32) (local $K i32) (local $rows i32) (local $run i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $oy i32) (local $ox i32) (local $base i32) (local $imageBase i32) (local $gp i32) (local $out i32)
    (local $fBytes i32) (local $stepBytes i32) (local $rowStepBytes i32) (local $end i32) (local $db i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $run (i32.mul (local.get $kw) (local.get $C)))
    (local.set $K (i32.mul (local.get $kh) (local.get $run)))
    (local.set $fBytes (i32.shl (local.get $F) (i32.const 2)))
    (local.set $stepBytes (i32.shl (i32.mul (local.get $sx) (local.get $C)) (i32.const 2)))
    (local.set $rowStepBytes (i32.shl (i32.mul (i32.mul (local.get $sy) (local.get $W)) (local.get $C)) (i32.const 2)))
    (call $zero (local.get $dw) (i32.mul (i32.add (local.get $K) (i32.const 1)) (local.get $F)))
    (local.set $n (i32.const 0))
    (block $ndone (loop $nloop
      (br_if $ndone (i32.ge_u (local.get $n) (local.get $batch)))
      (local.set $imageBase (i32.add (local.get $x) (i32.shl (i32.mul (i32.mul (i32.mul (local.get $n) (local.get $H)) (local.get $W)) (local.get $C)) (i32.const 2))))
      (local.set $t (i32.const 0))
      (block $tdone (loop $tloop
        (br_if $tdone (i32.ge_u (local.get $t) (local.get $K)))
        (local.set $rows (i32.sub (local.get $K) (local.get $t)))
        (if (i32.gt_u (local.get $rows) (i32.const 4)) (then (local.set $rows (i32.const 4))))
        ;; byte offsets of rows t … t+3 from a pixel's base (past the end: the last row again)
        (local.set $o0 (call $entryOffset (local.get $t) (local.get $run) (local.get $W) (local.get $C)))
        (local.set $o1 (call $entryOffset (select (i32.add (local.get $t) (i32.const 1)) (local.get $t) (i32.gt_u (local.get $rows) (i32.const 1))) (local.get $run) (local.get $W) (local.get $C)))
        (local.set $o2 (call $entryOffset (select (i32.add (local.get $t) (i32.const 2)) (local.get $t) (i32.gt_u (local.get $rows) (i32.const 2))) (local.get $run) (local.get $W) (local.get $C)))
        (local.set $o3 (call $entryOffset (select (i32.add (local.get $t) (i32.const 3)) (local.get $t) (i32.gt_u (local.get $rows) (i32.const 3))) (local.get $run) (local.get $W) (local.get $C)))
        (local.set $j (i32.const 0))
        (block $jdone (loop $jloop
          (br_if $jdone (i32.ge_u (local.get $j) (local.get $F)))
          (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
          (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
          (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
          (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
          (local.set $gp (i32.add (local.get $g) (i32.shl
            (i32.add (i32.mul (i32.mul (i32.mul (local.get $n) (local.get $oh)) (local.get $ow)) (local.get $F)) (local.get $j))
            (i32.const 2))))
          (local.set $oy (i32.const 0))
          (block $oydone (loop $oyloop
            (br_if $oydone (i32.ge_u (local.get $oy) (local.get $oh)))
            (local.set $base (i32.add (local.get $imageBase) (i32.mul (local.get $oy) (local.get $rowStepBytes))))
            (local.set $end (i32.add (local.get $base) (i32.mul (local.get $ow) (local.get $stepBytes))))
            (block $oxdone (loop $oxloop
              (br_if $oxdone (i32.ge_u (local.get $base) (local.get $end)))
              (local.set $b0 (v128.load (local.get $gp)))
              (local.set $b1 (v128.load offset=16 (local.get $gp)))
              (local.set $a (v128.load32_splat (i32.add (local.get $base) (local.get $o0))))
              (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
              (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
              (local.set $a (v128.load32_splat (i32.add (local.get $base) (local.get $o1))))
              (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
              (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
              (local.set $a (v128.load32_splat (i32.add (local.get $base) (local.get $o2))))
              (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
              (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
              (local.set $a (v128.load32_splat (i32.add (local.get $base) (local.get $o3))))
              (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
              (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
              (local.set $base (i32.add (local.get $base) (local.get $stepBytes)))
              (local.set $gp (i32.add (local.get $gp) (local.get $fBytes)))
              (br $oxloop)))
            (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
            (br $oyloop)))
          ;; dw[t + r, j … j+7] += this image's sums
          (local.set $out (i32.add (local.get $dw) (i32.shl (i32.add (i32.mul (local.get $t) (local.get $F)) (local.get $j)) (i32.const 2))))
          (call $addTile (local.get $out) (local.get $c00) (local.get $c01))
          (if (i32.gt_u (local.get $rows) (i32.const 1)) (then
            (call $addTile (i32.add (local.get $out) (local.get $fBytes)) (local.get $c10) (local.get $c11))))
          (if (i32.gt_u (local.get $rows) (i32.const 2)) (then
            (call $addTile (i32.add (local.get $out) (i32.shl (local.get $fBytes) (i32.const 1))) (local.get $c20) (local.get $c21))))
          (if (i32.gt_u (local.get $rows) (i32.const 3)) (then
            (call $addTile (i32.add (local.get $out) (i32.mul (local.get $fBytes) (i32.const 3))) (local.get $c30) (local.get $c31))))
          (local.set $j (i32.add (local.get $j) (i32.const 8)))
          (br $jloop)))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (br $tloop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nloop)))
    ;; db[f] = Σ over every output position of g[·, f]
    (local.set $db (i32.add (local.get $dw) (i32.mul (local.get $K) (local.get $fBytes))))
    (local.set $gp (local.get $g))
    (local.set $end (i32.add (local.get $g) (i32.mul (i32.mul (i32.mul (local.get $batch) (local.get $oh)) (local.get $ow)) (local.get $fBytes))))
    (block $gdone (loop $gloop
      (br_if $gdone (i32.ge_u (local.get $gp) (local.get $end)))
      (call $accumulate (local.get $gp) (local.get $db) (local.get $F))
      (local.set $gp (i32.add (local.get $gp) (local.get $fBytes)))
      (br $gloop))))

  ;; byte offset of im2col entry t = (ky, kx, c) from a pixel's base: (ky·W·C + (t mod kw·C))·4
  (func $entryOffset (param $t i32) (param $run i32) (param $W i32) (param $C i32) (result i32)
    (local $ky i32)
    (local.set $ky (i32.div_u (local.get $t) (local.get $run)))
    (i32.shl (i32.add (i32.mul (i32.mul (local.get $ky) (local.get $W)) (local.get $C))
                      (i32.sub (local.get $t) (i32.mul (local.get $ky) (local.get $run))))
             (i32.const 2)))

  ;; the 8 floats at p += (lo, hi)
  (func $addTile (param $p i32) (param $lo v128) (param $hi v128)
    (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (local.get $lo)))
    (v128.store offset=16 (local.get $p) (f32x4.add (v128.load offset=16 (local.get $p)) (local.get $hi))))

  ;; dx = col2im(g · wᵀ): dx[n, oy·sy + ky, ox·sx + kx, c] += Σ_f g[n, q, f] · w[(ky·kw + kx)·C + c, f]
  ;; over every output position q. `wt` is scratch for wᵀ ([F, K], so a row of 8 entries t is contiguous);
  ;; kw·C must be a multiple of 8 (a tile of 8 entries then never leaves its kernel row). dx is zeroed
  ;; first; per image, per 8 entries of one kernel row, per 4 output positions, the tile is formed in
  ;; registers and added onto the 4 positions' input pixels one after the other (windows overlap).
  (func (export "convBackwardInput") (param $g i32) (param $w i32) (param $wt i32) (param $dx i32)
        (param $batch i32) (param $H i32) (param $W i32) (param $C i32) (param $kh i32) (param $kw i32)
        (param $sy i32) (param $sx i32) (param $oh i32) (param $ow i32) (param $F i32)
    (local $n i32) (local $q i32) (local $t i32) (local $f i32) (local $K i32) (local $run i32) (local $ky i32) (local $u i32)
    (local $pixels i32) (local $rows i32) (local $last i32) (local $kBytes i32) (local $fBytes i32) (local $off i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $g0 i32) (local $g1 i32) (local $g2 i32) (local $g3 i32) (local $wp i32) (local $end i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $run (i32.mul (local.get $kw) (local.get $C)))
    (local.set $K (i32.mul (local.get $kh) (local.get $run)))
    (local.set $kBytes (i32.shl (local.get $K) (i32.const 2)))
    (local.set $fBytes (i32.shl (local.get $F) (i32.const 2)))
    (local.set $pixels (i32.mul (local.get $oh) (local.get $ow)))
    ;; wt[f, t] = w[t, f]
    (local.set $t (i32.const 0))
    (block $trdone (loop $trloop
      (br_if $trdone (i32.ge_u (local.get $t) (local.get $K)))
      (local.set $f (i32.const 0))
      (block $fdone (loop $floop
        (br_if $fdone (i32.ge_u (local.get $f) (local.get $F)))
        (f32.store (i32.add (local.get $wt) (i32.shl (i32.add (i32.mul (local.get $f) (local.get $K)) (local.get $t)) (i32.const 2)))
                   (f32.load (i32.add (local.get $w) (i32.shl (i32.add (i32.mul (local.get $t) (local.get $F)) (local.get $f)) (i32.const 2)))))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br $floop)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $trloop)))
    (call $zero (local.get $dx) (i32.mul (i32.mul (local.get $batch) (local.get $H)) (i32.mul (local.get $W) (local.get $C))))
    (local.set $n (i32.const 0))
    (block $ndone (loop $nloop
      (br_if $ndone (i32.ge_u (local.get $n) (local.get $batch)))
      (local.set $ky (i32.const 0))
      (block $kydone (loop $kyloop
        (br_if $kydone (i32.ge_u (local.get $ky) (local.get $kh)))
        (local.set $u (i32.const 0))
        (block $udone (loop $uloop
          (br_if $udone (i32.ge_u (local.get $u) (local.get $run)))
          (local.set $t (i32.add (i32.mul (local.get $ky) (local.get $run)) (local.get $u)))
          ;; where entries t … t+7 land from a pixel's base
          (local.set $off (i32.shl (i32.add (i32.mul (i32.mul (local.get $ky) (local.get $W)) (local.get $C)) (local.get $u)) (i32.const 2)))
          (local.set $q (i32.const 0))
          (block $qdone (loop $qloop
            (br_if $qdone (i32.ge_u (local.get $q) (local.get $pixels)))
            (local.set $rows (i32.sub (local.get $pixels) (local.get $q)))
            (if (i32.gt_u (local.get $rows) (i32.const 4)) (then (local.set $rows (i32.const 4))))
            (local.set $last (i32.sub (i32.add (local.get $q) (local.get $rows)) (i32.const 1)))
            (local.set $g0 (i32.add (local.get $g) (i32.mul (i32.add (i32.mul (local.get $n) (local.get $pixels)) (local.get $q)) (local.get $fBytes))))
            (local.set $g1 (i32.add (local.get $g) (i32.mul (i32.add (i32.mul (local.get $n) (local.get $pixels))
              (select (i32.add (local.get $q) (i32.const 1)) (local.get $last) (i32.gt_u (local.get $rows) (i32.const 1)))) (local.get $fBytes))))
            (local.set $g2 (i32.add (local.get $g) (i32.mul (i32.add (i32.mul (local.get $n) (local.get $pixels))
              (select (i32.add (local.get $q) (i32.const 2)) (local.get $last) (i32.gt_u (local.get $rows) (i32.const 2)))) (local.get $fBytes))))
            (local.set $g3 (i32.add (local.get $g) (i32.mul (i32.add (i32.mul (local.get $n) (local.get $pixels)) (local.get $last)) (local.get $fBytes))))
            (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
            (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
            (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
            (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
            (local.set $wp (i32.add (local.get $wt) (i32.shl (local.get $t) (i32.const 2))))
            (local.set $end (i32.add (local.get $g0) (local.get $fBytes)))
            (block $fdone (loop $floop
              (br_if $fdone (i32.ge_u (local.get $g0) (local.get $end)))
              (local.set $b0 (v128.load (local.get $wp)))
              (local.set $b1 (v128.load offset=16 (local.get $wp)))
              (local.set $a (v128.load32_splat (local.get $g0)))
              (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
              (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
              (local.set $a (v128.load32_splat (local.get $g1)))
              (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
              (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
              (local.set $a (v128.load32_splat (local.get $g2)))
              (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
              (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
              (local.set $a (v128.load32_splat (local.get $g3)))
              (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
              (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
              (local.set $g0 (i32.add (local.get $g0) (i32.const 4)))
              (local.set $g1 (i32.add (local.get $g1) (i32.const 4)))
              (local.set $g2 (i32.add (local.get $g2) (i32.const 4)))
              (local.set $g3 (i32.add (local.get $g3) (i32.const 4)))
              (local.set $wp (i32.add (local.get $wp) (local.get $kBytes)))
              (br $floop)))
            (local.set $p0 (call $pixelBase (local.get $dx) (local.get $n) (local.get $q) (local.get $H) (local.get $W) (local.get $C) (local.get $sy) (local.get $sx) (local.get $ow)))
            (call $addTile (i32.add (local.get $p0) (local.get $off)) (local.get $c00) (local.get $c01))
            (if (i32.gt_u (local.get $rows) (i32.const 1)) (then
              (local.set $p1 (call $pixelBase (local.get $dx) (local.get $n) (i32.add (local.get $q) (i32.const 1)) (local.get $H) (local.get $W) (local.get $C) (local.get $sy) (local.get $sx) (local.get $ow)))
              (call $addTile (i32.add (local.get $p1) (local.get $off)) (local.get $c10) (local.get $c11))))
            (if (i32.gt_u (local.get $rows) (i32.const 2)) (then
              (local.set $p2 (call $pixelBase (local.get $dx) (local.get $n) (i32.add (local.get $q) (i32.const 2)) (local.get $H) (local.get $W) (local.get $C) (local.get $sy) (local.get $sx) (local.get $ow)))
              (call $addTile (i32.add (local.get $p2) (local.get $off)) (local.get $c20) (local.get $c21))))
            (if (i32.gt_u (local.get $rows) (i32.const 3)) (then
              (local.set $p3 (call $pixelBase (local.get $dx) (local.get $n) (i32.add (local.get $q) (i32.const 3)) (local.get $H) (local.get $W) (local.get $C) (local.get $sy) (local.get $sx) (local.get $ow)))
              (call $addTile (i32.add (local.get $p3) (local.get $off)) (local.get $c30) (local.get $c31))))
            (local.set $q (i32.add (local.get $q) (i32.const 4)))
            (br $qloop)))
          (local.set $u (i32.add (local.get $u) (i32.const 8)))
          (br $uloop)))
        (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
        (br $kyloop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nloop))))

  ;; ---------------------------------------------------------------------------------------------------
  ;; Batch normalisation over the last axis: x is read as rows × C (C = channels, innermost). The readable
  ;; definitions, with the maths, are in src/tensor/batch-norm.ts. Each kernel works on the channels
  ;; [c0, c1) only, so threads can split a layer by channels. Per-channel sums are float64 in row order and
  ;; every element is the same float64 expression rounded once to float32, as in the JS loops: bit for
  ;; bit the same values. Eight channels at a time (four f64x2 lanes pairs), then four, then one by one.
  ;; f64 arrays (sums, mean, 1/√(σ² + ε), γ, β, …) hold C values, indexed by channel.

  ;; out[c] = Σ_r x[r, c]
  (func (export "bnSums") (param $x i32) (param $rows i32) (param $C i32) (param $c0 i32) (param $c1 i32) (param $out i32)
    (local $c i32) (local $p i32) (local $end i32) (local $stride i32) (local $v v128) (local $o i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $s f64)
    (local.set $stride (i32.shl (local.get $C) (i32.const 2)))
    (local.set $c (local.get $c0))
    (block $done8
      (loop $block8
        (br_if $done8 (i32.gt_u (i32.add (local.get $c) (i32.const 8)) (local.get $c1)))
        (local.set $p (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $end (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $stride))))
        (local.set $s0 (v128.const f64x2 0 0)) (local.set $s1 (v128.const f64x2 0 0))
        (local.set $s2 (v128.const f64x2 0 0)) (local.set $s3 (v128.const f64x2 0 0))
        (block $rdone
          (loop $r
            (br_if $rdone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $v (v128.load (local.get $p)))
            (local.set $s0 (f64x2.add (local.get $s0) (f64x2.promote_low_f32x4 (local.get $v))))
            (local.set $s1 (f64x2.add (local.get $s1) (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
            (local.set $v (v128.load offset=16 (local.get $p)))
            (local.set $s2 (f64x2.add (local.get $s2) (f64x2.promote_low_f32x4 (local.get $v))))
            (local.set $s3 (f64x2.add (local.get $s3) (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (br $r)))
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 3))))
        (v128.store (local.get $o) (local.get $s0))
        (v128.store offset=16 (local.get $o) (local.get $s1))
        (v128.store offset=32 (local.get $o) (local.get $s2))
        (v128.store offset=48 (local.get $o) (local.get $s3))
        (local.set $c (i32.add (local.get $c) (i32.const 8)))
        (br $block8)))
    (block $done4
      (loop $block4
        (br_if $done4 (i32.gt_u (i32.add (local.get $c) (i32.const 4)) (local.get $c1)))
        (local.set $p (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $end (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $stride))))
        (local.set $s0 (v128.const f64x2 0 0)) (local.set $s1 (v128.const f64x2 0 0))
        (block $rdone
          (loop $r
            (br_if $rdone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $v (v128.load (local.get $p)))
            (local.set $s0 (f64x2.add (local.get $s0) (f64x2.promote_low_f32x4 (local.get $v))))
            (local.set $s1 (f64x2.add (local.get $s1) (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (br $r)))
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 3))))
        (v128.store (local.get $o) (local.get $s0))
        (v128.store offset=16 (local.get $o) (local.get $s1))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $block4)))
    (block $done1
      (loop $block1
        (br_if $done1 (i32.ge_u (local.get $c) (local.get $c1)))
        (local.set $p (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $end (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $stride))))
        (local.set $s (f64.const 0))
        (block $rdone
          (loop $r
            (br_if $rdone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.load (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (br $r)))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 3))) (local.get $s))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $block1))))

  ;; out[c] = Σ_r (x[r, c] − mean[c])²   (the second pass of the variance: no cancellation when |μ| ≫ σ)
  (func (export "bnSquaredDeviations") (param $x i32) (param $rows i32) (param $C i32) (param $c0 i32) (param $c1 i32)
        (param $mean i32) (param $out i32)
    (local $c i32) (local $p i32) (local $end i32) (local $stride i32) (local $v v128) (local $d v128) (local $o i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128) (local $s f64) (local $m f64) (local $e f64)
    (local.set $stride (i32.shl (local.get $C) (i32.const 2)))
    (local.set $c (local.get $c0))
    (block $done8
      (loop $block8
        (br_if $done8 (i32.gt_u (i32.add (local.get $c) (i32.const 8)) (local.get $c1)))
        (local.set $p (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $end (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $stride))))
        (local.set $o (i32.add (local.get $mean) (i32.shl (local.get $c) (i32.const 3))))
        (local.set $m0 (v128.load (local.get $o))) (local.set $m1 (v128.load offset=16 (local.get $o)))
        (local.set $m2 (v128.load offset=32 (local.get $o))) (local.set $m3 (v128.load offset=48 (local.get $o)))
        (local.set $s0 (v128.const f64x2 0 0)) (local.set $s1 (v128.const f64x2 0 0))
        (local.set $s2 (v128.const f64x2 0 0)) (local.set $s3 (v128.const f64x2 0 0))
        (block $rdone
          (loop $r
            (br_if $rdone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $v (v128.load (local.get $p)))
            (local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (local.get $m0)))
            (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $d) (local.get $d))))
            (local.set $d (f64x2.sub (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $m1)))
            (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $d) (local.get $d))))
            (local.set $v (v128.load offset=16 (local.get $p)))
            (local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (local.get $m2)))
            (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $d) (local.get $d))))
            (local.set $d (f64x2.sub (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $m3)))
            (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $d) (local.get $d))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (br $r)))
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 3))))
        (v128.store (local.get $o) (local.get $s0))
        (v128.store offset=16 (local.get $o) (local.get $s1))
        (v128.store offset=32 (local.get $o) (local.get $s2))
        (v128.store offset=48 (local.get $o) (local.get $s3))
        (local.set $c (i32.add (local.get $c) (i32.const 8)))
        (br $block8)))
    (block $done4
      (loop $block4
        (br_if $done4 (i32.gt_u (i32.add (local.get $c) (i32.const 4)) (local.get $c1)))
        (local.set $p (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $end (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $stride))))
        (local.set $o (i32.add (local.get $mean) (i32.shl (local.get $c) (i32.const 3))))
        (local.set $m0 (v128.load (local.get $o))) (local.set $m1 (v128.load offset=16 (local.get $o)))
        (local.set $s0 (v128.const f64x2 0 0)) (local.set $s1 (v128.const f64x2 0 0))
        (block $rdone
          (loop $r
            (br_if $rdone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $v (v128.load (local.get $p)))
            (local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (local.get $m0)))
            (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $d) (local.get $d))))
            (local.set $d (f64x2.sub (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $m1)))
            (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $d) (local.get $d))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (br $r)))
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 3))))
        (v128.store (local.get $o) (local.get $s0))
        (v128.store offset=16 (local.get $o) (local.get $s1))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $block4)))
    (block $done1
      (loop $block1
        (br_if $done1 (i32.ge_u (local.get $c) (local.get $c1)))
        (local.set $p (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $end (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $stride))))
        (local.set $m (f64.load (i32.add (local.get $mean) (i32.shl (local.get $c) (i32.const 3)))))
        (local.set $s (f64.const 0))
        (block $rdone
          (loop $r
            (br_if $rdone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $e (f64.sub (f64.promote_f32 (f32.load (local.get $p))) (local.get $m)))
            (local.set $s (f64.add (local.get $s) (f64.mul (local.get $e) (local.get $e))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (br $r)))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 3))) (local.get $s))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $block1))))

  ;; x̂ = (x − mean[c]) · invStd[c],  y = γ[c] · x̂ + β[c]   (float64, each rounded once; γ, β given as float64)
  (func (export "bnNormalize") (param $x i32) (param $rows i32) (param $C i32) (param $c0 i32) (param $c1 i32)
        (param $mean i32) (param $invStd i32) (param $gamma i32) (param $beta i32) (param $xhat i32) (param $y i32)
    (local $r i32) (local $c i32) (local $c4 i32) (local $e i32) (local $f i32) (local $v v128) (local $h0 v128) (local $h1 v128)
    (local $h f64)
    ;; channels [c0, c4) in vectors of four, [c4, c1) one by one
    (local.set $c4 (i32.add (local.get $c0) (i32.and (i32.sub (local.get $c1) (local.get $c0)) (i32.const -4))))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (local.get $c0))
        (block $vdone
          (loop $vec
            (br_if $vdone (i32.ge_u (local.get $c) (local.get $c4)))
            (local.set $e (i32.shl (i32.add (i32.mul (local.get $r) (local.get $C)) (local.get $c)) (i32.const 2)))
            (local.set $f (i32.shl (local.get $c) (i32.const 3)))
            (local.set $v (v128.load (i32.add (local.get $x) (local.get $e))))
            (local.set $h0 (f64x2.mul
              (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (v128.load (i32.add (local.get $mean) (local.get $f))))
              (v128.load (i32.add (local.get $invStd) (local.get $f)))))
            (local.set $h1 (f64x2.mul
              (f64x2.sub (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
                (v128.load offset=16 (i32.add (local.get $mean) (local.get $f))))
              (v128.load offset=16 (i32.add (local.get $invStd) (local.get $f)))))
            (v128.store (i32.add (local.get $xhat) (local.get $e))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (local.get $h0)) (f32x4.demote_f64x2_zero (local.get $h1))))
            (v128.store (i32.add (local.get $y) (local.get $e))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (f64x2.add
                  (f64x2.mul (v128.load (i32.add (local.get $gamma) (local.get $f))) (local.get $h0))
                  (v128.load (i32.add (local.get $beta) (local.get $f)))))
                (f32x4.demote_f64x2_zero (f64x2.add
                  (f64x2.mul (v128.load offset=16 (i32.add (local.get $gamma) (local.get $f))) (local.get $h1))
                  (v128.load offset=16 (i32.add (local.get $beta) (local.get $f)))))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $vec)))
        (block $sdone
          (loop $one
            (br_if $sdone (i32.ge_u (local.get $c) (local.get $c1)))
            (local.set $e (i32.shl (i32.add (i32.mul (local.get $r) (local.get $C)) (local.get $c)) (i32.const 2)))
            (local.set $f (i32.shl (local.get $c) (i32.const 3)))
            (local.set $h (f64.mul
              (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $e)))) (f64.load (i32.add (local.get $mean) (local.get $f))))
              (f64.load (i32.add (local.get $invStd) (local.get $f)))))
            (f32.store (i32.add (local.get $xhat) (local.get $e)) (f32.demote_f64 (local.get $h)))
            (f32.store (i32.add (local.get $y) (local.get $e)) (f32.demote_f64 (f64.add
              (f64.mul (f64.load (i32.add (local.get $gamma) (local.get $f))) (local.get $h))
              (f64.load (i32.add (local.get $beta) (local.get $f))))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $one)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; sumDy[c] = Σ_r g,  sumDyXhat[c] = Σ_r g · x̂   (g = dL/dy)
  (func (export "bnBackwardSums") (param $dy i32) (param $xhat i32) (param $rows i32) (param $C i32) (param $c0 i32) (param $c1 i32)
        (param $sumDy i32) (param $sumDyXhat i32)
    (local $c i32) (local $p i32) (local $end i32) (local $stride i32) (local $q i32) (local $o i32)
    (local $g v128) (local $h v128) (local $gl v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128) (local $s f64) (local $t f64) (local $e f64)
    (local.set $stride (i32.shl (local.get $C) (i32.const 2)))
    (local.set $c (local.get $c0))
    (block $done8
      (loop $block8
        (br_if $done8 (i32.gt_u (i32.add (local.get $c) (i32.const 8)) (local.get $c1)))
        (local.set $p (i32.add (local.get $dy) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $q (i32.add (local.get $xhat) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $end (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $stride))))
        (local.set $s0 (v128.const f64x2 0 0)) (local.set $s1 (v128.const f64x2 0 0))
        (local.set $s2 (v128.const f64x2 0 0)) (local.set $s3 (v128.const f64x2 0 0))
        (local.set $t0 (v128.const f64x2 0 0)) (local.set $t1 (v128.const f64x2 0 0))
        (local.set $t2 (v128.const f64x2 0 0)) (local.set $t3 (v128.const f64x2 0 0))
        (block $rdone
          (loop $r
            (br_if $rdone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $g (v128.load (local.get $p)))
            (local.set $h (v128.load (local.get $q)))
            (local.set $gl (f64x2.promote_low_f32x4 (local.get $g)))
            (local.set $s0 (f64x2.add (local.get $s0) (local.get $gl)))
            (local.set $t0 (f64x2.add (local.get $t0) (f64x2.mul (local.get $gl) (f64x2.promote_low_f32x4 (local.get $h)))))
            (local.set $gl (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $g) (local.get $g))))
            (local.set $s1 (f64x2.add (local.get $s1) (local.get $gl)))
            (local.set $t1 (f64x2.add (local.get $t1) (f64x2.mul (local.get $gl)
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $h) (local.get $h))))))
            (local.set $g (v128.load offset=16 (local.get $p)))
            (local.set $h (v128.load offset=16 (local.get $q)))
            (local.set $gl (f64x2.promote_low_f32x4 (local.get $g)))
            (local.set $s2 (f64x2.add (local.get $s2) (local.get $gl)))
            (local.set $t2 (f64x2.add (local.get $t2) (f64x2.mul (local.get $gl) (f64x2.promote_low_f32x4 (local.get $h)))))
            (local.set $gl (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $g) (local.get $g))))
            (local.set $s3 (f64x2.add (local.get $s3) (local.get $gl)))
            (local.set $t3 (f64x2.add (local.get $t3) (f64x2.mul (local.get $gl)
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $h) (local.get $h))))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $q (i32.add (local.get $q) (local.get $stride)))
            (br $r)))
        (local.set $o (i32.add (local.get $sumDy) (i32.shl (local.get $c) (i32.const 3))))
        (v128.store (local.get $o) (local.get $s0))
        (v128.store offset=16 (local.get $o) (local.get $s1))
        (v128.store offset=32 (local.get $o) (local.get $s2))
        (v128.store offset=48 (local.get $o) (local.get $s3))
        (local.set $o (i32.add (local.get $sumDyXhat) (i32.shl (local.get $c) (i32.const 3))))
        (v128.store (local.get $o) (local.get $t0))
        (v128.store offset=16 (local.get $o) (local.get $t1))
        (v128.store offset=32 (local.get $o) (local.get $t2))
        (v128.store offset=48 (local.get $o) (local.get $t3))
        (local.set $c (i32.add (local.get $c) (i32.const 8)))
        (br $block8)))
    (block $done4
      (loop $block4
        (br_if $done4 (i32.gt_u (i32.add (local.get $c) (i32.const 4)) (local.get $c1)))
        (local.set $p (i32.add (local.get $dy) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $q (i32.add (local.get $xhat) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $end (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $stride))))
        (local.set $s0 (v128.const f64x2 0 0)) (local.set $s1 (v128.const f64x2 0 0))
        (local.set $t0 (v128.const f64x2 0 0)) (local.set $t1 (v128.const f64x2 0 0))
        (block $rdone
          (loop $r
            (br_if $rdone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $g (v128.load (local.get $p)))
            (local.set $h (v128.load (local.get $q)))
            (local.set $gl (f64x2.promote_low_f32x4 (local.get $g)))
            (local.set $s0 (f64x2.add (local.get $s0) (local.get $gl)))
            (local.set $t0 (f64x2.add (local.get $t0) (f64x2.mul (local.get $gl) (f64x2.promote_low_f32x4 (local.get $h)))))
            (local.set $gl (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $g) (local.get $g))))
            (local.set $s1 (f64x2.add (local.get $s1) (local.get $gl)))
            (local.set $t1 (f64x2.add (local.get $t1) (f64x2.mul (local.get $gl)
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $h) (local.get $h))))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $q (i32.add (local.get $q) (local.get $stride)))
            (br $r)))
        (local.set $o (i32.add (local.get $sumDy) (i32.shl (local.get $c) (i32.const 3))))
        (v128.store (local.get $o) (local.get $s0))
        (v128.store offset=16 (local.get $o) (local.get $s1))
        (local.set $o (i32.add (local.get $sumDyXhat) (i32.shl (local.get $c) (i32.const 3))))
        (v128.store (local.get $o) (local.get $t0))
        (v128.store offset=16 (local.get $o) (local.get $t1))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $block4)))
    (block $done1
      (loop $block1
        (br_if $done1 (i32.ge_u (local.get $c) (local.get $c1)))
        (local.set $p (i32.add (local.get $dy) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $q (i32.add (local.get $xhat) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $end (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $stride))))
        (local.set $s (f64.const 0))
        (local.set $t (f64.const 0))
        (block $rdone
          (loop $r
            (br_if $rdone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $e (f64.promote_f32 (f32.load (local.get $p))))
            (local.set $s (f64.add (local.get $s) (local.get $e)))
            (local.set $t (f64.add (local.get $t) (f64.mul (local.get $e) (f64.promote_f32 (f32.load (local.get $q))))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $q (i32.add (local.get $q) (local.get $stride)))
            (br $r)))
        (f64.store (i32.add (local.get $sumDy) (i32.shl (local.get $c) (i32.const 3))) (local.get $s))
        (f64.store (i32.add (local.get $sumDyXhat) (i32.shl (local.get $c) (i32.const 3))) (local.get $t))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $block1))))

  ;; dx = scale[c] · (g − meanDy[c] − x̂ · meanDyXhat[c])   (scale = γ·invStd; the means are the sums / rows)
  ;; With training = 0 (fixed statistics): dx = scale[c] · g.
  (func (export "bnBackwardInput") (param $dy i32) (param $xhat i32) (param $rows i32) (param $C i32) (param $c0 i32) (param $c1 i32)
        (param $scale i32) (param $meanDy i32) (param $meanDyXhat i32) (param $training i32) (param $dx i32)
    (local $r i32) (local $c i32) (local $c4 i32) (local $e i32) (local $f i32) (local $g v128) (local $h v128)
    (local $d0 v128) (local $d1 v128) (local $d f64)
    (local.set $c4 (i32.add (local.get $c0) (i32.and (i32.sub (local.get $c1) (local.get $c0)) (i32.const -4))))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (local.get $c0))
        (block $vdone
          (loop $vec
            (br_if $vdone (i32.ge_u (local.get $c) (local.get $c4)))
            (local.set $e (i32.shl (i32.add (i32.mul (local.get $r) (local.get $C)) (local.get $c)) (i32.const 2)))
            (local.set $f (i32.shl (local.get $c) (i32.const 3)))
            (local.set $g (v128.load (i32.add (local.get $dy) (local.get $e))))
            (local.set $d0 (f64x2.promote_low_f32x4 (local.get $g)))
            (local.set $d1 (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $g) (local.get $g))))
            (if (local.get $training)
              (then
                (local.set $h (v128.load (i32.add (local.get $xhat) (local.get $e))))
                (local.set $d0 (f64x2.sub
                  (f64x2.sub (local.get $d0) (v128.load (i32.add (local.get $meanDy) (local.get $f))))
                  (f64x2.mul (f64x2.promote_low_f32x4 (local.get $h)) (v128.load (i32.add (local.get $meanDyXhat) (local.get $f))))))
                (local.set $d1 (f64x2.sub
                  (f64x2.sub (local.get $d1) (v128.load offset=16 (i32.add (local.get $meanDy) (local.get $f))))
                  (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $h) (local.get $h)))
                    (v128.load offset=16 (i32.add (local.get $meanDyXhat) (local.get $f))))))))
            (v128.store (i32.add (local.get $dx) (local.get $e))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (f64x2.mul (v128.load (i32.add (local.get $scale) (local.get $f))) (local.get $d0)))
                (f32x4.demote_f64x2_zero (f64x2.mul (v128.load offset=16 (i32.add (local.get $scale) (local.get $f))) (local.get $d1)))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $vec)))
        (block $sdone
          (loop $one
            (br_if $sdone (i32.ge_u (local.get $c) (local.get $c1)))
            (local.set $e (i32.shl (i32.add (i32.mul (local.get $r) (local.get $C)) (local.get $c)) (i32.const 2)))
            (local.set $f (i32.shl (local.get $c) (i32.const 3)))
            (local.set $d (f64.promote_f32 (f32.load (i32.add (local.get $dy) (local.get $e)))))
            (if (local.get $training)
              (then
                (local.set $d (f64.sub
                  (f64.sub (local.get $d) (f64.load (i32.add (local.get $meanDy) (local.get $f))))
                  (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $xhat) (local.get $e))))
                    (f64.load (i32.add (local.get $meanDyXhat) (local.get $f))))))))
            (f32.store (i32.add (local.get $dx) (local.get $e))
              (f32.demote_f64 (f64.mul (f64.load (i32.add (local.get $scale) (local.get $f))) (local.get $d))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $one)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))
)
