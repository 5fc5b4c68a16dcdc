/// A place in the data order: batch `batch` of epoch `epoch`, both from 0.
///
/// Saving the position of the next batch and handing it back to `BatchReader` resumes the
/// identical sequence of batches, because each epoch's order depends only on the seed and
/// the epoch.
public struct BatchPosition: Equatable, Hashable, Comparable, Codable, Sendable,
  CustomStringConvertible
{
  public var epoch: Int
  public var batch: Int

  /// Creates a position; both parts must be non-negative.
  public init(epoch: Int, batch: Int) {
    precondition(epoch >= 0 && batch >= 0, "position epoch \(epoch) batch \(batch) is negative")
    self.epoch = epoch
    self.batch = batch
  }

  /// The first batch of the first epoch.
  public static let start = BatchPosition(epoch: 0, batch: 0)

  /// Returns the position after this one in epochs of `batchesPerEpoch` batches.
  public func next(batchesPerEpoch: Int) -> BatchPosition {
    batch + 1 < batchesPerEpoch
      ? BatchPosition(epoch: epoch, batch: batch + 1)
      : BatchPosition(epoch: epoch + 1, batch: 0)
  }

  /// Orders positions by epoch, then batch.
  public static func < (left: BatchPosition, right: BatchPosition) -> Bool {
    (left.epoch, left.batch) < (right.epoch, right.batch)
  }

  /// Renders the position as `epoch E batch B`.
  public var description: String { "epoch \(epoch) batch \(batch)" }
}
