;; handgrad convolutional-network kernels in WebAssembly SIMD (f32x4): im2col and its adjoint col2im,
;; ReLU forward/backward, max pooling forward/backward. The readable definitions, with the maths, are the
;; plain-JS versions in src/tensor/im2col.ts, pooling.ts and relu.ts; these compute the same values
;; (bit for bit: they only copy, add in the same order, compare and mask).
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
  (func $accumulate (param $src i32) (param $dst i32) (param $n i32)
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
  (func (export "maxPool") (param $x i32) (param $y i32) (param $am i32)
        (param $batch i32) (param $H i32) (param $W i32) (param $C i32) (param $kh i32) (param $kw i32)
        (param $sy i32) (param $sx i32) (param $pt i32) (param $pl i32) (param $oh i32) (param $ow i32)
    (local $n i32) (local $oy i32) (local $ox i32) (local $c i32) (local $C4 i32)
    (local $iy i32) (local $ix i32) (local $y0 i32) (local $y1 i32) (local $x0 i32) (local $x1 i32)
    (local $i i32) (local $take v128) (local $v v128) (local $best v128) (local $bi v128)
    (local $s f32) (local $sb f32) (local $si i32)
    (local.set $C4 (i32.and (local.get $C) (i32.const -4)))
    (local.set $n (i32.const 0))
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

  ;; Max-pooling backward: dx (inputSize floats) = 0, then dx[argmax[o]] += dy[o] for every output o.
  (func (export "maxPoolBackward") (param $dy i32) (param $am i32) (param $count i32) (param $dx i32) (param $inputSize i32)
    (local $end i32) (local $at i32)
    (call $zero (local.get $dx) (local.get $inputSize))
    (local.set $end (i32.add (local.get $dy) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $dy) (local.get $end)))
        (local.set $at (i32.add (local.get $dx) (i32.shl (i32.load (local.get $am)) (i32.const 2))))
        (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (f32.load (local.get $dy))))
        (local.set $dy (i32.add (local.get $dy) (i32.const 4)))
        (local.set $am (i32.add (local.get $am) (i32.const 4)))
        (br $l))))
)
