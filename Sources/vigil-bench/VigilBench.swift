import ArgumentParser

/// `vigil-bench`: drives the built `vigil` binary, a slack-bolt reference worker and a minimal libwebsockets ack
/// client against the in-process ``SlackSimulator`` over real loopback sockets, and writes `docs/performance.md`.
///
/// Subcommands: `run` (the default; the comparison table) and `webapi-python` (Web API calls per second through
/// Python's `slack_sdk.WebClient`, for comparing with Vigil's Web API client later).
@main
struct VigilBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil-bench",
        abstract: "Benchmarks Vigil against a slack-bolt worker and an ack-only floor, on the bundled Slack simulator.",
        subcommands: [RunCommand.self, WebAPIPythonCommand.self],
        defaultSubcommand: RunCommand.self
    )
}
