/// A block of Float32 values allocated once, 64-byte aligned and zero-filled.
///
/// Tensors are views into a storage. The storage frees its memory when the last view that
/// refers to it goes away, so a view can never outlive the memory it points at.
public final class TensorStorage: @unchecked Sendable {
  /// Number of Float32 values in the block.
  public let count: Int

  /// Address of the first value. Kernels read and write through it without bounds checks.
  public let baseAddress: UnsafeMutablePointer<Float>

  /// Allocates `count` zero-filled values.
  public init(count: Int) {
    precondition(count >= 0, "storage size must be non-negative, got \(count)")
    self.count = count

    // One spare value keeps the address valid (and distinct) for an empty storage.
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
    baseAddress = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    baseAddress.initialize(repeating: 0, count: max(count, 1))
  }

  deinit {
    baseAddress.deallocate()
  }
}

/// A view of `shape.count` contiguous Float32 values in `[N, C, H, W]` layout inside a storage.
///
/// A tensor has reference semantics: copies of the struct refer to the same values, and writes
/// through one are seen through all. Element access through the subscripts checks bounds in
/// debug builds. Kernels take ``pointer`` once and loop over raw memory, so the hot loops pay
/// neither bounds checks nor reference counting.
public struct Tensor: @unchecked Sendable, CustomStringConvertible {
  /// The extent of the view.
  public let shape: TensorShape

  /// The storage the view points into.
  public let storage: TensorStorage

  /// Index of the view's first value inside ``storage``.
  public let offset: Int

  /// Creates a zero-filled tensor with its own storage.
  public init(shape: TensorShape) {
    self.init(storage: TensorStorage(count: shape.count), offset: 0, shape: shape)
  }

  /// Creates a tensor with its own storage holding `values` in row-major order.
  public init(shape: TensorShape, values: [Float]) {
    precondition(
      values.count == shape.count,
      "tensor of shape \(shape) needs \(shape.count) values, got \(values.count)")
    self.init(shape: shape)
    values.withUnsafeBufferPointer { source in
      if let base = source.baseAddress { pointer.update(from: base, count: values.count) }
    }
  }

  /// Creates a view of `shape.count` values starting at `offset` inside `storage`.
  public init(storage: TensorStorage, offset: Int, shape: TensorShape) {
    precondition(
      offset >= 0 && offset + shape.count <= storage.count,
      "view of shape \(shape) at offset \(offset) exceeds a storage of \(storage.count) values")
    self.storage = storage
    self.offset = offset
    self.shape = shape
  }

  /// Address of the view's first value, for kernels.
  @inline(__always)
  public var pointer: UnsafeMutablePointer<Float> { storage.baseAddress + offset }

  /// Number of values in the view.
  public var count: Int { shape.count }

  /// The value at a flat row-major index.
  public subscript(index: Int) -> Float {
    get {
      precondition(index >= 0 && index < count, "index \(index) outside a tensor of \(count)")
      return pointer[index]
    }
    nonmutating set {
      precondition(index >= 0 && index < count, "index \(index) outside a tensor of \(count)")
      pointer[index] = newValue
    }
  }

  /// The value at sample `n`, channel `c`, row `h`, column `w`.
  public subscript(n: Int, c: Int, h: Int, w: Int) -> Float {
    get { self[flatIndex(n, c, h, w)] }
    nonmutating set { self[flatIndex(n, c, h, w)] = newValue }
  }

  private func flatIndex(_ n: Int, _ c: Int, _ h: Int, _ w: Int) -> Int {
    precondition(
      n >= 0 && n < shape.batch && c >= 0 && c < shape.channels && h >= 0 && h < shape.height
        && w >= 0 && w < shape.width,
      "index [\(n), \(c), \(h), \(w)] outside a tensor of shape \(shape)")
    return ((n * shape.channels + c) * shape.height + h) * shape.width + w
  }

  /// Returns a view of samples `start ..< start + count`, which are contiguous in `[N, C, H, W]`.
  public func samples(_ start: Int, count: Int) -> Tensor {
    precondition(
      start >= 0 && count >= 0 && start + count <= shape.batch,
      "samples \(start) ..< \(start + count) outside a batch of \(shape.batch)")
    return Tensor(
      storage: storage, offset: offset + start * shape.sampleCount,
      shape: shape.withBatch(count))
  }

  /// Returns a view of the same values with another shape of equal count.
  public func reshaped(_ newShape: TensorShape) -> Tensor {
    precondition(
      newShape.count == count, "cannot reshape \(shape) (\(count) values) to \(newShape)")
    return Tensor(storage: storage, offset: offset, shape: newShape)
  }

  /// The values in row-major order, copied into a new array.
  public var values: [Float] {
    Array(UnsafeBufferPointer(start: pointer, count: count))
  }

  /// Sets every value to `value`.
  public func fill(_ value: Float) {
    pointer.update(repeating: value, count: count)
  }

  /// Copies the values of `source`, which must have the same count.
  public func copy(from source: Tensor) {
    precondition(
      source.count == count, "cannot copy \(source.shape) into a tensor of shape \(shape)")
    pointer.update(from: source.pointer, count: count)
  }

  /// The shape and the first few values.
  public var description: String {
    let preview = (0..<min(count, 8)).map { String(pointer[$0]) }.joined(separator: ", ")
    return "Tensor\(shape)(\(preview)\(count > 8 ? ", ..." : ""))"
  }
}
