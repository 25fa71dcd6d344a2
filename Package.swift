// swift-tools-version:6.2
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Release link of `vigil`: lld with packed relative relocations keeps the executable position-independent (ASLR)
/// without a 2.7 MiB relocation table read at every start, and `--no-export-dynamic` undoes the static stdlib's
/// `-export-dynamic` (1.8 MiB of dynamic symbols that every shared library's symbol lookups walked). Crash backtraces
/// read `.symtab` and DWARF, which stay. Together 2.5-3 MiB less idle RSS.
///
/// `bench/hot-functions.order` lists the functions a running worker executes (start, connect, acks, an alert's
/// investigation; written by `bench/order-functions.sh` from a callgrind run), and lld places them together at the
/// start of `.text`: the kernel maps code 64 KiB at a time around every touched spot, so hot code spread over 25 MiB
/// kept ~14 MiB of it resident. Names that no longer exist are ignored; new functions just land among the cold
/// ones. Works on the functions of modules compiled with `-function-sections` (Makefile `RELEASE_FLAGS`).
///
/// Functions with private linkage (value witnesses and other helpers the compiler emits without a symbol, in
/// `.text..L…` sections) cannot be named in that list, so `bench/private-functions.ld` gathers all of them (≈ 140 KiB)
/// just before `.text`: spread among the cold code, the few dozen of them that run kept ~2 MiB of it resident.
let releaseLinkerFlags = [
    "-use-ld=lld",
    "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
    "-Xlinker", "--no-export-dynamic",
    "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/bench/hot-functions.order",
    "-Xlinker", "--no-warn-symbol-ordering",
    "-Xlinker", "-T", "-Xlinker", "\(Context.packageDirectory)/bench/private-functions.ld",
]

let package = Package(
    name: "vigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigil", targets: ["vigil"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // C at the boundary: the system libraries, the libwebsockets shim and the host helpers.
        .systemLibrary(
            name: "CLibWebSockets",
            pkgConfig: "libwebsockets",
            providers: [.apt(["libwebsockets-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        /// Host facilities Swift's Glibc module does not reach: the system trust store's hashed directory (both the
        /// WebSocket and the HTTP client trust it), a file's POSIX ACL (token files), the allocator's arena cap. `chs_`.
        .target(
            name: "CHostSupport",
            cSettings: [.unsafeFlags(["-Wall", "-Wextra", "-Wno-unused-parameter"])],
            linkerSettings: [.linkedLibrary("crypto")]
        ),
        /// The libwebsockets shim: owns the `lws_context` and its one service thread; Swift sees connection ids, events
        /// and copied bytes, never `struct lws *`. Also the metrics endpoint's tiny HTTP server. `css_`.
        .target(
            name: "CSlackSocket",
            dependencies: ["CLibWebSockets", "CHostSupport"],
            cSettings: [.unsafeFlags(["-Wall", "-Wextra", "-Wno-unused-parameter"])],
            linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto"), .linkedLibrary("pthread")]
        ),

        // The layers, lowest first; each depends only on layers above it in this list (docs/architecture.md).
        /// What every layer shares and nothing Slack-specific needs beyond: `JSONValue`, `SlackTimestamp`, `Deadline`,
        /// the `Duration` conversions and text trimming. No I/O.
        .target(
            name: "VigilBase",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        /// Socket Mode: the WebSocket transport over CSlackSocket, connections, slots (their state machine), envelope
        /// acks and the dispatcher that hands envelopes to an ``SocketModeEnvelopeHandler``. Knows nothing of alerts.
        .target(
            name: "SlackSocketMode",
            dependencies: [
                "CSlackSocket", "VigilBase",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        /// The libcurl driver: one multi thread, transfers as `async` calls, TLS through the system store, and the
        /// destination policy that keeps probe requests off link-local and metadata addresses.
        .target(
            name: "CurlHTTP",
            dependencies: [
                "CCurl", "CHostSupport", "VigilBase",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        /// The Slack Web API: one rate-limited actor per workspace (tiers, `Retry-After`, priorities), typed
        /// methods, Slack's errors, the scopes Vigil needs.
        .target(
            name: "SlackWebClient",
            dependencies: [
                "CurlHTTP", "VigilBase",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        /// Slack message → `Alert`: the parsers of the known monitoring tools and the generic reading. Pure: no I/O,
        /// no store, no clock.
        .target(
            name: "AlertReading",
            dependencies: ["VigilBase"],
            swiftSettings: strictSettings
        ),
        /// Durable state: the `VigilStore` protocols and their SQLite implementation (GRDB), the state folder's lock.
        .target(
            name: "VigilStorage",
            dependencies: [
                "AlertReading", "VigilBase",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strictSettings
        ),
        /// An investigation: history and flapping from the store, runbook rules, probes (HTTP through CurlHTTP,
        /// commands in a sandboxed child), and the Block Kit message that reports it.
        .target(
            name: "AlertInvestigation",
            dependencies: [
                "AlertReading", "CurlHTTP", "VigilBase", "VigilStorage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strictSettings
        ),
        /// The handlers: the event router, alert channels (investigate, follow state changes, catch up) and the
        /// conversation layer (mentions, DMs, `/vigil`, buttons, approvals). Data flows down: router → handler →
        /// store / Web API.
        .target(
            name: "Vigil",
            dependencies: [
                "AlertInvestigation", "AlertReading", "SlackSocketMode", "SlackWebClient", "VigilBase", "VigilStorage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        /// The process: configuration (files, environment, credentials), one service per workspace, systemd
        /// notification, health, metrics page, reload; wires the layers together.
        .target(
            name: "VigilDaemon",
            dependencies: [
                "CHostSupport", "AlertInvestigation", "AlertReading", "CurlHTTP", "SlackSocketMode", "SlackWebClient",
                "Vigil", "VigilBase", "VigilStorage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),

        // Test support: a local Slack for tests, the demo and the bench. Never linked into `vigil`.
        .target(
            name: "SlackSimulator",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // Executables: the worker, the demo and the bench.
        .executableTarget(
            name: "vigil",
            dependencies: [
                "VigilDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings,
            linkerSettings: [.unsafeFlags(releaseLinkerFlags, .when(configuration: .release))]
        ),
        .executableTarget(
            name: "vigil-demo",
            dependencies: [
                "SlackSimulator", "VigilDaemon", "Vigil", "VigilBase", "AlertReading", "VigilStorage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "vigil-bench",
            dependencies: [
                "SlackSimulator", "VigilDaemon", "SlackWebClient", "SlackSocketMode", "VigilBase",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "UnitTests",
            dependencies: [
                "VigilBase", "SlackSocketMode", "CurlHTTP", "SlackWebClient", "AlertReading", "VigilStorage",
                "AlertInvestigation", "Vigil", "VigilDaemon",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "VigilBase", "SlackSocketMode", "CurlHTTP", "SlackWebClient", "AlertReading", "VigilStorage",
                "AlertInvestigation", "Vigil", "VigilDaemon",
                "SlackSimulator",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // Injects store faults (a failing trigger) into the real SQLite store.
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

/// The libFuzzer targets of `make fuzz` (Tests/Fuzz/fuzz.sh, which sets VIGIL_FUZZ=1 and builds with
/// `-sanitize=fuzzer,address` in its own scratch path, .build-fuzz). Without the variable the target does not exist, so
/// `swift build`, `make test` and the release never compile it and `vigil` never links it.
if Context.environment["VIGIL_FUZZ"] == "1" {
    package.targets.append(
        .executableTarget(
            name: "vigil-fuzz",
            dependencies: ["AlertReading", "SlackSocketMode", "VigilDaemon", "VigilBase"],
            path: "Tests/Fuzz/VigilFuzz",
            swiftSettings: strictSettings
        )
    )
}
