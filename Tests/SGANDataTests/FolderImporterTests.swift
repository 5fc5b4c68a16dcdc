import Foundation
import Testing

@testable import SGANData

@Suite struct FolderImporterTests {
  /// Writes small images and stray files into a tree under a temporary directory.
  private func makeTree() throws -> ImageTestDirectory {
    let directory = try ImageTestDirectory()
    let jpeg = try encodeJPEG(smoothImage(width: 8, height: 8, channels: 3))
    let png = try encodePNG(smoothImage(width: 8, height: 8, channels: 1))
    try directory.write(jpeg, to: "tree/dogs/b.JPG")
    try directory.write(png, to: "tree/dogs/a.png")
    try directory.write(jpeg, to: "tree/cats/deep/nested/c.jpeg")
    try directory.write(png, to: "tree/cats/z.png")
    try directory.write([1, 2], to: "tree/cats/.DS_Store")
    try directory.write(text: "label list", to: "tree/cats/notes.txt")
    try directory.write(jpeg, to: "tree/.git/objects/x.jpg")
    try directory.makeFolder("tree/empty")
    return directory
  }

  @Test func folderImportIsRecursiveAndSorted() throws {
    let directory = try makeTree()
    let dataset = try FolderImporter.importDataset(root: directory.path + "/tree")
    #expect(
      dataset.items.map(\.name) == [
        "cats/deep/nested/c.jpeg", "cats/z.png", "dogs/a.png", "dogs/b.JPG",
      ])
    #expect(
      dataset.items[0].source == .file(path: directory.path + "/tree/cats/deep/nested/c.jpeg"))
    #expect(dataset.labels == nil)
    #expect(dataset.strayFiles == [".git/", "cats/.DS_Store", "cats/notes.txt"])
  }

  @Test func folderLabelsFollowSortedSubfolders() throws {
    let directory = try makeTree()
    let dataset = try FolderImporter.importDataset(
      root: directory.path + "/tree", labelsFromSubfolders: true)
    #expect(dataset.labelNames == ["cats", "dogs"])
    #expect(dataset.labels == [0, 0, 1, 1])
  }

  @Test func folderImageAtRootNeedsClassFolder() throws {
    let directory = try makeTree()
    try directory.write(
      try encodePNG(smoothImage(width: 4, height: 4, channels: 1)), to: "tree/top.png")
    #expect(
      throws: ImportError.imageOutsideClassFolder(root: directory.path + "/tree", file: "top.png")
    ) {
      try FolderImporter.importDataset(root: directory.path + "/tree", labelsFromSubfolders: true)
    }
  }

  @Test func folderWithoutImagesIsAnError() throws {
    let directory = try ImageTestDirectory()
    try directory.write(text: "x", to: "tree/readme.md")
    #expect(throws: ImportError.noImages(folder: directory.path + "/tree", strayCount: 1)) {
      try FolderImporter.importDataset(root: directory.path + "/tree")
    }
  }

  @Test func folderMissingRootIsAnError() {
    #expect(throws: ImportError.notADirectory(path: "/nonexistent/sgan/tree")) {
      try FolderImporter.importDataset(root: "/nonexistent/sgan/tree")
    }
  }

  @Test func folderSymlinkLoopIsReadOnce() throws {
    let directory = try makeTree()
    try FileManager.default.createSymbolicLink(
      atPath: directory.path + "/tree/cats/loop", withDestinationPath: directory.path + "/tree")
    let dataset = try FolderImporter.importDataset(root: directory.path + "/tree")
    #expect(dataset.count == 4)
  }
}
