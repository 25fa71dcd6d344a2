// libFuzzer entry point for the Swift decoders of untrusted input (issue 14, item 6).
//
// One executable serves four targets, chosen by VIGIL_FUZZ_TARGET, so `make fuzz` links once (an ASan link of
// the Vigil modules take minutes on a small machine):
//   envelope  EnvelopeHeader.scan over the raw bytes (a Socket Mode frame); every range found must lie inside them
//   mrkdwn    MrkdwnDecoder.decode (with and without stripping formatting) and decodeEntities over the UTF-8 text
//   alerts    the bytes decoded as a SlackMessage (JSON), then AlertParsing.parse, with and without a known
//             source, and AlertParsing.statusFromReply
//   config    the bytes as a YAML file given to DaemonConfiguration.load, which parses, merges and validates it
//
// Built only by Tests/Fuzz/fuzz.sh (`make fuzz`): Package.swift adds this target when VIGIL_FUZZ=1, so `swift build`,
// `make test` and the release never compile it, and the fuzz build lives in its own scratch path (.build-fuzz).

import AlertReading
import SlackSocketMode
import VigilBase
import VigilDaemon

import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// The decoder this process fuzzes, from VIGIL_FUZZ_TARGET.
enum FuzzTarget: String, CaseIterable {
    case envelope, mrkdwn, alerts, config

    static let current: FuzzTarget = {
        let name = getenv("VIGIL_FUZZ_TARGET").map { String(cString: $0) } ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            print("vigil-fuzz: set VIGIL_FUZZ_TARGET to one of \(names)")
            exit(2)
        }
        return target
    }()
}

/// libFuzzer's driver (libclang_rt.fuzzer, linked by `-sanitize=fuzzer`).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The process entry point. SwiftPM links an executable target with `main` defined as `<module>_main` (so tests can
/// link the target), which keeps libFuzzer's own `main` out of the link; this one starts libFuzzer's driver instead.
@_cdecl("vigil_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzz(data.map(UnsafeRawPointer.init), size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: count == 0 ? nil : start, count: count)
    switch FuzzTarget.current {
    case .envelope: fuzzEnvelope(bytes)
    case .mrkdwn: fuzzMrkdwn(bytes)
    case .alerts: fuzzAlerts(bytes)
    case .config: fuzzConfiguration(bytes)
    }
    return 0
}

/// The scanner must not read outside the frame, and the ranges it returns (echoed into acks) must lie inside it.
func fuzzEnvelope(_ bytes: UnsafeRawBufferPointer) {
    let (header, _) = EnvelopeHeader.scan(bytes)
    let ranges = [
        header.type, header.envelopeID, header.retryReason, header.reason, header.eventID, header.teamID,
        header.eventType, header.eventChannel, header.payloadType,
    ]
    for case let range? in ranges {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "range \(range) outside the frame")
    }
}

func fuzzMrkdwn(_ bytes: UnsafeRawBufferPointer) {
    let text = String(decoding: bytes, as: UTF8.self)
    _ = MrkdwnDecoder.decode(text)
    _ = MrkdwnDecoder.decode(text, stripFormatting: false)
    _ = MrkdwnDecoder.decodeEntities(text)
}

func fuzzAlerts(_ bytes: UnsafeRawBufferPointer) {
    guard let message = try? JSONDecoder().decode(SlackMessage.self, from: Data(bytes)) else { return }
    _ = AlertParsing.parse(message)
    _ = AlertParsing.statusFromReply(message)
    // A known source makes parsers accept weaker signatures: try each once, cheaply chosen by the input's length.
    let sources = AlertParsing.parsers.map(\.source)
    _ = AlertParsing.parse(message, knownSource: sources[bytes.count % sources.count])
}

/// The configuration is read from a file: one per process, rewritten for every input, removed at exit.
let configurationPath: String = {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-fuzz-\(getpid()).yaml").path
    atexit { unlink(configurationPath) }
    return path
}()

func fuzzConfiguration(_ bytes: UnsafeRawBufferPointer) {
    guard FileManager.default.createFile(atPath: configurationPath, contents: Data(bytes)) else {
        fatalError("vigil-fuzz: cannot write \(configurationPath)")
    }
    // libFuzzer calls a synchronous function and `load` is async: wait here for it (harness only; the product never
    // blocks on a task this way).
    let done = DispatchSemaphore(value: 0)
    Task {
        _ = try? await DaemonConfiguration.load(configPath: configurationPath, environment: [:])
        done.signal()
    }
    done.wait()
}
