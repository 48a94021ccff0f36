// swift-tools-version:5.9
// The Swift package of instagraph: the generated Swift sources (Sources/Instagraph: instagraph.swift
// and the core's instagraph_core.swift, in one module so that they see each other's types) over
// the native library as an XCFramework (InstagraphFFI.xcframework: the static library for each
// Apple target, with the two FFI headers and one module map declaring `instagraphFFI` and
// `instagraph_coreFFI`). Both are made on a Mac: ../README.md, "XCFramework"; they are not
// buildable on Linux and not committed.
import PackageDescription

let package = Package(
    name: "Instagraph",
    // async/await in the generated sources.
    platforms: [.iOS(.v13), .macOS(.v10_15)],
    products: [
        .library(name: "Instagraph", targets: ["Instagraph"]),
    ],
    targets: [
        .binaryTarget(name: "InstagraphFFI", path: "InstagraphFFI.xcframework"),
        .target(name: "Instagraph", dependencies: ["InstagraphFFI"], path: "Sources/Instagraph"),
    ]
)
