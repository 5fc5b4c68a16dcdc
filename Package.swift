// swift-tools-version: 6.0
// The Softmax GAN CPU trainer: packer, engine, data-parallel trainer and tools.
//
// C libraries come from Debian through system-library targets; each names its
// pkg-config module and the apt package that provides it.

import PackageDescription

// Language mode 5: the data-parallel step shares raw buffers between Dispatch
// workers under barrier discipline, which Swift 6's static race checks cannot
// express without wrapping every kernel in unchecked-Sendable boxes.
let languageModes: [SwiftLanguageMode] = [.v5]

// Numeric kernels lose most of their speed to bounds and overflow checks;
// release builds drop them in the engine and the codecs only.
let kernelSettings: [SwiftSetting] = [
  .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))
]

let package = Package(
  name: "SoftmaxGAN",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "sgan-pack", targets: ["sgan-pack"]),
    .executable(name: "sgan-train", targets: ["sgan-train"]),
    .executable(name: "sgan-sample", targets: ["sgan-sample"]),
    .executable(name: "sgan-bench", targets: ["sgan-bench"]),
    .executable(name: "sgan-experiment", targets: ["sgan-experiment"]),
    .executable(name: "sgan-mpi-check", targets: ["sgan-mpi-check"]),
  ],
  targets: [
    // MARK: C libraries

    .systemLibrary(
      name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
    .systemLibrary(
      name: "CTurboJPEG", pkgConfig: "libturbojpeg",
      providers: [.apt(["libturbojpeg0-dev", "libjpeg62-turbo-dev"])]),
    .systemLibrary(
      name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
    .systemLibrary(
      name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(
      name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(
      name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),

    // MARK: Libraries

    .target(
      name: "SGANCommandLine",
      swiftSettings: []),
    .target(
      name: "SGANCore",
      dependencies: ["COpenBLAS"],
      swiftSettings: kernelSettings),
    .target(
      name: "SGANData",
      dependencies: ["CHDF5", "CTurboJPEG", "CPNG", "CZlib", "SGANCommandLine"],
      swiftSettings: kernelSettings),
    .target(
      name: "SGANTraining",
      dependencies: ["SGANCore", "SGANData", "SGANCommandLine"],
      swiftSettings: kernelSettings),
    .target(
      name: "SGANMPI",
      dependencies: ["CMPI", "SGANCore", "SGANCommandLine"]),
    .target(
      name: "SGANExperiments",
      dependencies: ["SGANCore", "SGANData", "SGANTraining", "SGANCommandLine"],
      swiftSettings: kernelSettings),

    // MARK: Executables

    .executableTarget(name: "sgan-pack", dependencies: ["SGANData", "SGANCommandLine"]),
    .executableTarget(
      name: "sgan-train", dependencies: ["SGANTraining", "SGANMPI", "SGANCommandLine"]),
    .executableTarget(
      name: "sgan-sample", dependencies: ["SGANTraining", "SGANCommandLine"]),
    .executableTarget(
      name: "sgan-bench",
      dependencies: ["SGANTraining", "SGANMPI", "SGANCore", "SGANData", "SGANCommandLine"],
      swiftSettings: kernelSettings),
    .executableTarget(
      name: "sgan-experiment",
      dependencies: ["SGANExperiments", "SGANTraining", "SGANCommandLine"]),
    .executableTarget(
      name: "sgan-mpi-check",
      dependencies: ["SGANMPI", "SGANCore", "SGANData", "SGANCommandLine"]),

    // MARK: Tests

    .testTarget(name: "SGANCommandLineTests", dependencies: ["SGANCommandLine"]),
    .testTarget(name: "SGANCoreTests", dependencies: ["SGANCore"]),
    .testTarget(name: "SGANDataTests", dependencies: ["SGANData"]),
    .testTarget(
      name: "SGANTrainingTests",
      dependencies: ["SGANTraining", "SGANCore", "SGANData", "SGANCommandLine"]),
    .testTarget(
      name: "SGANExperimentsTests",
      dependencies: ["SGANExperiments", "SGANTraining", "SGANCore", "SGANData"]),
    .testTarget(
      name: "SGANMPITests",
      dependencies: ["SGANMPI", "SGANTraining", "SGANCore", "SGANData"]),
  ],
  swiftLanguageModes: languageModes
)
