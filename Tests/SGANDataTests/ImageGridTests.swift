import Testing

@testable import SGANData

@Suite struct ImageGridTests {
  @Test func gridPlacesTilesBetweenBorders() {
    let tiles = (0..<5).map { index in
      Image(width: 3, height: 2, channels: 3, filledWith: UInt8(10 + index))
    }
    let grid = Image.grid(tiles, columns: 2, border: 2, borderValue: 255)

    #expect(grid.width == 2 * 3 + 3 * 2)
    #expect(grid.height == 3 * 2 + 4 * 2)
    for index in 0..<5 {
      let top = 2 + (index / 2) * (2 + 2)
      let left = 2 + (index % 2) * (3 + 2)
      #expect(grid[top, left, 0] == UInt8(10 + index), "tile \(index) first pixel")
      #expect(grid[top + 1, left + 2, 2] == UInt8(10 + index), "tile \(index) last pixel")
      #expect(grid[top - 1, left, 0] == 255, "border above tile \(index)")
      #expect(grid[top, left - 1, 0] == 255, "border left of tile \(index)")
    }
    // The sixth cell has no image and keeps the border value.
    #expect(grid[2 + 2 * 4, 2 + 5, 0] == 255)
  }

  @Test func eightByEightGridOfSamplesHasExpectedSize() {
    let tiles = (0..<64).map { _ in Image(width: 64, height: 64, channels: 3) }
    let grid = Image.grid(tiles, columns: 8, border: 2)
    #expect(grid.width == 8 * 64 + 9 * 2)
    #expect(grid.height == 8 * 64 + 9 * 2)
  }
}
