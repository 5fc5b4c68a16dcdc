import Foundation
import SGANCore
import SGANData
import Testing

@testable import SGANTraining

@Suite struct GeneratorSamplerTests {
  @Test func samplerMatchesTrainedGenerator() throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data.h5"
    try writeRandomDataset(at: data, count: 20)
    var configuration = tinyConfiguration(dataPath: data)
    configuration.steps = 2
    let trainer = try Trainer(newRunIn: folder.path + "/run", configuration: configuration)
    try trainer.train()

    let sampler = try GeneratorSampler(checkpointPath: folder.path + "/run/checkpoint.h5")
    let (images, latents) = sampler.generate(count: 10, seed: 5)

    let reference = trainer.step.generator.makeReplica(maxBatch: 10)
    reference.mode = .inference
    let expected = reference.forward(latents)
    #expect(images.shape == TensorShape(10, 1, 32, 32))
    #expect(images.values == expected.values)
  }

  @Test func sampleFileHoldsImagesAndLatents() throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data.h5"
    try writeRandomDataset(at: data, count: 20)
    var configuration = tinyConfiguration(dataPath: data)
    configuration.steps = 1
    try Trainer(newRunIn: folder.path + "/run", configuration: configuration).train()

    let sampler = try GeneratorSampler(checkpointPath: folder.path + "/run/checkpoint.h5")
    let (images, latents) = sampler.generate(count: 3, seed: 9)
    let path = folder.path + "/samples.h5"
    try SampleFile.write(
      images: images, latents: latents, range: .symmetric, checkpoint: "c.h5", iteration: 1,
      seed: 9, to: path)

    let file = try HDF5File.open(path: path)
    #expect(try file.openDataset("images").shape() == [3, 32, 32, 1])
    #expect(try file.openDataset("latents").read(as: Float.self) == latents.values)
    #expect(try file.openDataset("generated").read(as: Float.self) == images.values)
  }

  @Test func sameSeedGivesSameImages() throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data.h5"
    try writeRandomDataset(at: data, count: 20)
    var configuration = tinyConfiguration(dataPath: data)
    configuration.steps = 1
    try Trainer(newRunIn: folder.path + "/run", configuration: configuration).train()

    let sampler = try GeneratorSampler(checkpointPath: folder.path + "/run/checkpoint.h5")
    #expect(sampler.generate(count: 4, seed: 2).images.values == sampler.generate(count: 4, seed: 2).images.values)
    #expect(sampler.generate(count: 4, seed: 2).latents.values != sampler.generate(count: 4, seed: 3).latents.values)
  }
}
