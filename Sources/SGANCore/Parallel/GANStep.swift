import Dispatch

/// Which loss a ``GANStep`` trains with.
public enum GANLoss: String, Sendable, CaseIterable {
  /// Softmax GAN: one softmax over the energies of the whole batch, real and generated.
  case softmax

  /// The standard GAN loss: sigmoid cross-entropy for D, non-saturating for G.
  case standard = "gan"
}

/// The results of one discriminator step, before the optimiser runs.
public struct DiscriminatorStepResult: Sendable, Equatable {
  /// L_D over the whole batch.
  public var loss: Double

  /// ln Z_B over both halves (Softmax GAN); NaN for the standard loss.
  public var logPartition: Double

  /// Mean over the real samples of p(x) (Softmax GAN) or of D(x) = sigmoid(-mu) (standard).
  public var meanRealProbability: Double

  /// Creates a result from its parts.
  public init(loss: Double, logPartition: Double, meanRealProbability: Double) {
    self.loss = loss
    self.logPartition = logPartition
    self.meanRealProbability = meanRealProbability
  }
}

/// One data-parallel training step of a GAN on T worker threads.
///
/// Each batch of N real and M generated samples is cut into T contiguous shards per half
/// (``ShardPlan``). Worker t owns shard t of both halves: its own replicas of both networks
/// (activations, scratch, gradient buffer), reading the shared parameters without locks.
/// Whatever depends on the whole batch is combined by the coordinator between parallel
/// phases, each phase one `concurrentPerform` over the workers:
///
/// - batch norm sums at every batch norm layer, forward and backward (``ShardedNetwork``);
/// - ln Z_B from the shards' (max, sum) pairs (``LogSumExpPartial``);
/// - the gradients, summed over workers in worker order and split across workers by
///   parameter range, and then the Adam update over the same ranges.
///
/// The discriminator sees the real and the generated half in separate passes (as in DCGAN),
/// so batch norm statistics are per half, while ln Z_B always covers both halves. Sample i of
/// a generated batch draws its latent vector from the counter-based stream (noise index, i),
/// whichever worker computes it, so the step's result does not depend on T up to rounding,
/// and for a fixed T it is the same bit for bit on every run.
///
/// Nothing is allocated after construction: every buffer is sized for the largest shard.
public final class GANStep {
  /// The networks whose parameters the step trains; their gradient buffers receive the
  /// reduced gradients.
  public let generator: Network
  public let discriminator: Network

  /// Adam for each network, over its flat parameter buffer.
  public let generatorOptimizer: Adam
  public let discriminatorOptimizer: Adam

  /// The loss both steps use.
  public let loss: GANLoss

  /// Real samples per step (N) and generated samples per step (M).
  public let realCount: Int
  public let generatedCount: Int

  /// The number of workers, T.
  public let workerCount: Int

  /// The combine points across processes.
  public let group: ProcessGroup

  /// The samples of each half this process computes: its rank's contiguous slice of the
  /// batch, which its workers split further. The whole batch with one process.
  public let realRange: Range<Int>
  public let generatedRange: Range<Int>

  /// The source of latent vectors and every other random stream of the step.
  public let random: CounterRandom

  /// Time of each phase, added up since the last ``resetTimes()``.
  public internal(set) var times = PhaseTimes()

  let workers: [GANWorker]
  let generatorShards: ShardedNetwork
  let realDiscriminatorShards: ShardedNetwork
  let generatedDiscriminatorShards: ShardedNetwork
  let realPlan: ShardPlan
  let generatedPlan: ShardPlan
  let generatorRanges: [Range<Int>]
  let discriminatorRanges: [Range<Int>]
  let generatorWorkerGradients: [Tensor]
  let discriminatorWorkerGradients: [Tensor]
  let rangeIsFinite: UnsafeMutablePointer<Bool>
  let scalarScratch: UnsafeMutablePointer<Double>

  /// Creates a step for `threads` workers over batches of `realCount` real and
  /// `generatedCount` generated samples.
  ///
  /// With a group of P processes, each half is first cut into P contiguous slices, one per
  /// rank (``ShardPlan``), and this process's slice into `threads` shards, so P processes of
  /// T workers cut the batch exactly as one process of P·T workers would. Each half must
  /// hold at least P samples.
  ///
  /// The networks' own buffers must accept the batch of each half (their `maxBatch` may be
  /// smaller: replicas are sized per shard). `threads` above the larger slice's size is
  /// reduced to it, since further workers would have empty shards in both halves.
  public init(
    generator: Network, discriminator: Network, loss: GANLoss, realCount: Int,
    generatedCount: Int, threads: Int, random: CounterRandom,
    generatorOptimizer: Adam, discriminatorOptimizer: Adam,
    group: ProcessGroup = SingleProcessGroup()
  ) {
    precondition(realCount >= 1 && generatedCount >= 1, "each half needs at least one sample")
    precondition(threads >= 1, "a step needs at least one worker")
    precondition(
      realCount >= group.size && generatedCount >= group.size,
      "each half needs at least one sample per process")
    self.generator = generator
    self.discriminator = discriminator
    self.loss = loss
    self.realCount = realCount
    self.generatedCount = generatedCount
    self.random = random
    self.generatorOptimizer = generatorOptimizer
    self.discriminatorOptimizer = discriminatorOptimizer
    self.group = group

    let realRange = ShardPlan(total: realCount, shards: group.size).ranges[group.rank]
    let generatedRange = ShardPlan(total: generatedCount, shards: group.size).ranges[group.rank]
    self.realRange = realRange
    self.generatedRange = generatedRange

    let workerCount = min(threads, max(realRange.count, generatedRange.count))
    self.workerCount = workerCount
    let realPlan = ShardPlan(total: realRange.count, shards: workerCount)
    let generatedPlan = ShardPlan(total: generatedRange.count, shards: workerCount)
    self.realPlan = realPlan
    self.generatedPlan = generatedPlan

    generatorWorkerGradients = (0..<workerCount).map { _ in
      Tensor(shape: generator.parameters.shape)
    }
    discriminatorWorkerGradients = (0..<workerCount).map { _ in
      Tensor(shape: discriminator.parameters.shape)
    }
    generatorShards = ShardedNetwork(
      of: generator, workers: workerCount, maxShard: generatedPlan.maxShardSize,
      gradients: generatorWorkerGradients)
    realDiscriminatorShards = ShardedNetwork(
      of: discriminator, workers: workerCount, maxShard: realPlan.maxShardSize,
      gradients: discriminatorWorkerGradients)
    generatedDiscriminatorShards = ShardedNetwork(
      of: discriminator, workers: workerCount, maxShard: generatedPlan.maxShardSize,
      gradients: discriminatorWorkerGradients)

    let latentSize = generator.inputShape.channels
    // Shards are kept in batch coordinates: sample i's latent vector depends on i alone.
    let realRanges = realPlan.ranges.map { $0.shifted(by: realRange.lowerBound) }
    let generatedRanges = generatedPlan.ranges.map { $0.shifted(by: generatedRange.lowerBound) }
    workers = (0..<workerCount).map { t in
      GANWorker(
        index: t, realShard: realRanges[t], generatedShard: generatedRanges[t],
        latentSize: latentSize)
    }
    generatorRanges = splitRange(count: generator.parameterCount, parts: workerCount)
    discriminatorRanges = splitRange(count: discriminator.parameterCount, parts: workerCount)
    rangeIsFinite = .allocate(capacity: workerCount)
    rangeIsFinite.initialize(repeating: true, count: workerCount)
    scalarScratch = .allocate(capacity: 4)
  }

  deinit {
    rangeIsFinite.deallocate()
    scalarScratch.deallocate()
  }

  /// Clears the phase times.
  public func resetTimes() {
    times = PhaseTimes()
  }

  /// Adds `seconds` of waiting for data to the phase times; the trainer measures it.
  public func addDataWait(_ seconds: Double) {
    times.data += seconds
  }

  // MARK: Phases

  /// Runs `body(worker)` for every worker in parallel and adds the wall time to `phase`.
  @inline(__always)
  func parallel(_ phase: WritableKeyPath<PhaseTimes, Double>, _ body: (GANWorker) -> Void) {
    let start = monotonicSeconds()
    let workers = self.workers
    DispatchQueue.concurrentPerform(iterations: workers.count) { t in
      body(workers[t])
    }
    times[keyPath: phase] += monotonicSeconds() - start
  }

  /// Runs `body` on the coordinator and adds its time to the combine phase, except the time
  /// spent in the process group, which goes to the communication phase.
  @inline(__always)
  func serial(_ body: () -> Void) {
    let start = monotonicSeconds()
    let communicationStart = group.communicationSeconds
    body()
    let communication = group.communicationSeconds - communicationStart
    times.combine += monotonicSeconds() - start - communication
    times.communication += communication
  }
}

extension Range where Bound == Int {
  /// Returns the range moved by `offset`.
  func shifted(by offset: Int) -> Range<Int> {
    (lowerBound + offset)..<(upperBound + offset)
  }
}

/// What one worker owns besides its network replicas: its shards, latent vectors, energy
/// gradients and per-shard partial results.
final class GANWorker {
  let index: Int
  let realShard: Range<Int>  // in batch coordinates, within the process's slice
  let generatedShard: Range<Int>
  let latents: Tensor  // [M_t, nz, 1, 1]
  let realEnergyGradient: Tensor  // [N_t, 1, 1, 1]
  let generatedEnergyGradient: Tensor  // [M_t, 1, 1, 1]

  /// The real shard's input `[N_t, C, H, W]`, a view into the step's real batch.
  var realInput: Tensor?

  /// The shard's ln Z_B partials of the last forward pass.
  var realPartial = LogSumExpPartial.empty
  var generatedPartial = LogSumExpPartial.empty

  /// The shard's loss terms and Σ p(x) over its real samples.
  var lossTerm = 0.0
  var realProbabilitySum = 0.0

  init(index: Int, realShard: Range<Int>, generatedShard: Range<Int>, latentSize: Int) {
    self.index = index
    self.realShard = realShard
    self.generatedShard = generatedShard
    latents = Tensor(shape: TensorShape(generatedShard.count, latentSize, 1, 1))
    realEnergyGradient = Tensor(shape: TensorShape(realShard.count, 1, 1, 1))
    generatedEnergyGradient = Tensor(shape: TensorShape(generatedShard.count, 1, 1, 1))
  }
}
