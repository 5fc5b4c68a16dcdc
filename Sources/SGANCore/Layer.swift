/// What a parameter tensor does, which decides how it is initialised.
public enum ParameterRole: Sendable, Hashable {
  /// A convolution or linear weight.
  case weight

  /// An additive bias of a convolution or linear layer.
  case bias

  /// The per-channel scale (gamma) of a normalisation layer.
  case normalizationScale

  /// The per-channel shift (beta) of a normalisation layer.
  case normalizationShift
}

/// A parameter tensor that a layer declares: its state_dict suffix, PyTorch shape and role.
public struct ParameterDeclaration: Sendable, Hashable {
  /// The suffix in PyTorch's state_dict, such as `weight` or `bias`.
  public var name: String

  /// The tensor's shape in PyTorch, with its own rank (`[out, in, kH, kW]`, `[out]`, ...).
  public var dimensions: [Int]

  /// The parameter's role, which decides its initialisation.
  public var role: ParameterRole

  /// Creates a declaration.
  public init(name: String, dimensions: [Int], role: ParameterRole) {
    self.name = name
    self.dimensions = dimensions
    self.role = role
  }

  /// Number of values, the product of ``dimensions``.
  public var count: Int { dimensions.reduce(1, *) }

  /// The four-extent shape of the parameter's view: ``dimensions`` padded with trailing ones.
  public var shape: TensorShape {
    precondition(dimensions.count <= 4, "parameter \(name) has more than four dimensions")
    let padded = dimensions + Array(repeating: 1, count: 4 - dimensions.count)
    return TensorShape(padded[0], padded[1], padded[2], padded[3])
  }
}

/// One step of a network with a forward pass, a backward pass and optional parameters.
///
/// A layer object belongs to one network replica: it caches what its backward pass needs and
/// refers to that replica's gradient buffer. Parameters are views into a flat buffer that
/// replicas share. The network binds those views once, sizes the workspace scratch from
/// ``scratchCount(forInput:)``, and from then on no layer call allocates.
///
/// Argument order is the same for every layer: the input, then the destination (`into:`).
/// Backward mirrors it: the upstream gradient, the saved activations, then the destination.
public protocol Layer: AnyObject, CustomStringConvertible {
  /// The parameter tensors in PyTorch state_dict order; empty for parameter-free layers.
  var parameterDeclarations: [ParameterDeclaration] { get }

  /// Returns the output shape for an input shape `[N, C, H, W]`, trapping on a mismatch.
  func outputShape(for inputShape: TensorShape) -> TensorShape

  /// Returns the number of Float32 scratch values one pass needs for inputs up to `inputShape`.
  func scratchCount(forInput inputShape: TensorShape) -> Int

  /// Binds the parameter and gradient views, one per declaration in the same order.
  func bind(parameters: [Tensor], gradients: [Tensor])

  /// Computes `output` from `input`; overwrites `output`.
  func forward(_ input: Tensor, into output: Tensor, workspace: Workspace)

  /// Computes gradients from the gradient of the loss with respect to `output`.
  ///
  /// `input` and `output` are the tensors of the matching forward call. The gradient with
  /// respect to `input` overwrites `inputGradient` unless that is `nil`; parameter gradients are
  /// ADDED into the bound gradient views.
  func backward(
    outputGradient: Tensor, input: Tensor, output: Tensor, into inputGradient: Tensor?,
    workspace: Workspace)

  /// Returns a new layer with the same configuration and no bound parameters.
  func makeUnboundCopy() -> any Layer
}

/// A layer with parameters whose backward pass can leave its parameter gradients alone.
///
/// A generator step backpropagates through the discriminator only to reach the images, and
/// discards the discriminator's parameter gradients. Skipping them saves a third of the
/// discriminator's backward work there. Parameter-free layers need no such method: their
/// plain backward pass computes only the input gradient.
public protocol InputGradientOnlyBackward: Layer {
  /// Computes only the gradient with respect to `input`, overwriting `inputGradient`, and
  /// leaves the parameter gradients untouched. Arguments are those of
  /// ``Layer/backward(outputGradient:input:output:into:workspace:)``.
  func backwardInputOnly(
    outputGradient: Tensor, input: Tensor, output: Tensor, into inputGradient: Tensor,
    workspace: Workspace)
}

extension Layer {
  /// No parameters.
  public var parameterDeclarations: [ParameterDeclaration] { [] }

  /// No scratch.
  public func scratchCount(forInput inputShape: TensorShape) -> Int { 0 }

  /// Accepts an empty binding.
  public func bind(parameters: [Tensor], gradients: [Tensor]) {
    precondition(parameters.isEmpty && gradients.isEmpty, "\(self) has no parameters to bind")
  }
}
