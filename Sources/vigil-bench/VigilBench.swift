import ArgumentParser

/// `vigil-bench`: drives the built `vigil` binary, a slack-bolt reference worker and a minimal libwebsockets ack
/// client against the in-process ``SlackSimulator`` over real loopback sockets, and writes `docs/performance.md`.
///
/// Subcommands: `run` (the default; the comparison table), `webapi` (Web API calls per second through Vigil's client
/// and Python's `slack_sdk.WebClient`, side by side) and `hold` (an idle worker kept running for profiling).
@main
struct VigilBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil-bench",
        abstract: "Benchmarks Vigil against a slack-bolt worker and an ack-only floor, on the bundled Slack simulator.",
        subcommands: [RunCommand.self, WebAPICommand.self, HoldCommand.self],
        defaultSubcommand: RunCommand.self
    )
}
