// Channel conversion between gray, gray+alpha, RGB and RGBA.
//
// Rules, applied in this order:
// - Alpha is removed by compositing on black: c' = round(c * a / 255). Black
//   is the background of digit and sketch datasets, and it is what a
//   premultiplied-alpha source already stores, so 8-bit and 16-bit PNGs end
//   up alike. The colour a transparent pixel happens to store is discarded.
// - Gray to RGB replicates the gray value into R, G and B.
// - RGB to gray uses the ITU-R BT.601 luma weights,
//   Y = 0.299 R + 0.587 G + 0.114 B, in 16-bit fixed point
//   (19595, 38470, 7471; they sum to 65536, so a gray pixel keeps its value).
// - A requested alpha channel is opaque (255).

extension Image {
  /// Returns the image converted to `targetChannels` (1, 3 or 4) channels.
  ///
  /// Alpha is composited on black, gray is replicated into RGB, and RGB turns
  /// into gray with the ITU-R BT.601 luma weights (0.299, 0.587, 0.114).
  /// Returns `self` unchanged when the channel count already matches.
  public func converted(toChannels targetChannels: Int) -> Image {
    precondition(
      [1, 3, 4].contains(targetChannels),
      "Requested channel count \(targetChannels) must be 1, 3 or 4")
    if targetChannels == channels { return self }

    let pixelCount = width * height
    var output = [UInt8](repeating: 0, count: pixelCount * targetChannels)
    let sourceChannels = channels
    let sourceHasAlpha = hasAlpha
    let sourceIsGray = channels <= 2

    pixels.withUnsafeBufferPointer { source in
      output.withUnsafeMutableBufferPointer { target in
        for p in 0..<pixelCount {
          let s = p * sourceChannels
          var r: UInt32
          var g: UInt32
          var b: UInt32
          if sourceIsGray {
            r = UInt32(source[s])
            g = r
            b = r
          } else {
            r = UInt32(source[s])
            g = UInt32(source[s + 1])
            b = UInt32(source[s + 2])
          }
          if sourceHasAlpha && targetChannels != 4 {
            let a = UInt32(source[s + sourceChannels - 1])
            r = compositeOnBlack(r, alpha: a)
            g = compositeOnBlack(g, alpha: a)
            b = compositeOnBlack(b, alpha: a)
          }

          let t = p * targetChannels
          if targetChannels == 1 {
            target[t] = sourceIsGray ? UInt8(r) : luma(r, g, b)
          } else {
            target[t] = UInt8(r)
            target[t + 1] = UInt8(g)
            target[t + 2] = UInt8(b)
            if targetChannels == 4 {
              target[t + 3] = sourceHasAlpha ? source[s + sourceChannels - 1] : 255
            }
          }
        }
      }
    }
    return Image(width: width, height: height, channels: targetChannels, pixels: output)
  }
}

/// Returns round(value * alpha / 255); (x + 127) / 255 rounds exactly
/// because 255 is odd, so x / 255 never ends in .5.
@inline(__always)
func compositeOnBlack(_ value: UInt32, alpha: UInt32) -> UInt32 {
  (value * alpha + 127) / 255
}

/// Returns the BT.601 luma of an RGB pixel, rounded to nearest.
@inline(__always)
func luma(_ r: UInt32, _ g: UInt32, _ b: UInt32) -> UInt8 {
  UInt8((19595 * r + 38470 * g + 7471 * b + 32768) >> 16)
}
