import VigilBase
import Foundation

/// `docs/performance.md`: machine, how to reproduce, the table, the method, and what went wrong in this run.
struct PerformanceReport {
    // The inputs, as gathered by `RunCommand`.
    let machine: MachineDescription
    let parameters: BenchParameters
    let table: ResultTable
    let workers: [WorkerSpec]
    let runs: Int
    let heavyRuns: Int
    let quick: Bool
    let started: Date
    let duration: TimeInterval
    let reproduce: String
    let commandLine: String
    let notes: [String]
    let errors: [WorkerSpec.Kind: String]

    /// How Vigil was started, for the method section.
    private var vigilCommand: String {
        guard let vigil = self.workers.first(where: { $0.kind == .vigil }) else { return "`vigil run`" }
        let command = (["vigil"] + vigil.launch(socketURLs: []).arguments).joined(separator: " ")
        let unitEnvironment = vigil.unitEnvironment.sorted { $0.key < $1.key }.map { "`\($0.key)=\($0.value)`" }
        return "`\(command)`"
            + (unitEnvironment.isEmpty ? "" : " with the unit's \(unitEnvironment.joined(separator: ", "))")
    }

    /// The whole document.
    func markdown() -> String {
        let p = self.parameters
        let date = ISO8601DateFormatter().string(from: self.started)
        var text = """
            # Performance

            Written by `vigil-bench` on \(date) (the run took \(Int(self.duration / 60)) min \
            \(Int(self.duration) % 60) s). Do not edit by hand: rerun the bench instead.

            \(self.quick ? "**Quick run (`--quick`): envelope counts divided by 10; not comparable with a full run.**\n\n" : "")\
            ## Machine

            \(self.machine.markdown)

            ## Reproduce

            ```sh
            \(self.reproduce)
            ```

            which runs (after building `vigil` and `vigil-bench` in release mode, creating `bench/.venv` with \
            slack-bolt from PyPI, and compiling `bench/ack_floor.c`):

            ```sh
            \(self.commandLine)
            ```

            ## Results

            Each figure is the median over the runs (one fresh worker process per run: \(self.runs) runs for ack \
            latency, idle RSS and end to end; the first \(self.heavyRuns) of them also run the soak, the burst and the \
            slow-post scenario). The last three columns show the spread (lowest–highest run, n = number of runs). \
            The ratio is Vigil's median over Bolt's. "met?" judges Vigil's median against the issue's target.


            """
        text += self.table.markdown() + "\n"
        let absent = WorkerSpec.Kind.allCases.filter { kind in !self.workers.contains { $0.kind == kind } }
        if !self.errors.isEmpty || !absent.isEmpty {
            text += "\n**Not measured in this run:**\n\n"
            for kind in absent { text += "- \(kind.rawValue): not part of this run (no `--\(kind.rawValue)`)\n" }
            for (kind, error) in self.errors.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                let firstLines = error.split(separator: "\n", omittingEmptySubsequences: false).prefix(12)
                text += "- \(kind.rawValue): " + firstLines.joined(separator: "\n  ") + "\n"
            }
        }
        text += """

            ## Method

            - **Simulator.** The bundled `SlackSimulator` runs inside `vigil-bench` (release build, one SwiftNIO \
            event-loop thread) on `127.0.0.1`, port 0; every worker talks to it over real loopback sockets: Web API \
            over HTTP (`SLACK_API_URL`), Socket Mode over `ws://`. A fresh simulator and a fresh worker process \
            (with an empty `VIGIL_STATE_DIR`) are started for every run; runs of the workers are interleaved \
            (floor, Vigil, Bolt, floor, …) so that background load on a shared machine hits all of them alike. The \
            simulator, the worker and the bench share the machine's \(self.machine.cores) cores.
            - **Vigil** runs as the systemd unit starts it: \(self.vigilCommand). The bench's settings (simulator \
            URL, fake tokens, alert channels, state folder) are in the environment and override or add to the file.
            - **Ack latency** is the simulator's own measure: from the moment an envelope's frame is handed to the \
            socket flush to the moment the ack frame is read (monotonic clock). Envelopes go round-robin over the \
            worker's live connections, in chunks of at most 64 frames per flush.
            - **What the workers do.** Ack-only scenarios (latency, burst, soak for RSS and CPU) send people's \
            messages (realistic `message` events with rich-text blocks, unique `event_id` per envelope, so no \
            dedupe can skip work) in `#ops` (`\(BenchEvents.unwatchedChannel)`), a channel the bot is in but that \
            is not an alert channel: every worker acks, parses and filters, and does nothing else, so all do the \
            same job. (Vigil also records each `event_id` in its store before filtering; that is part of its job.) \
            Alert scenarios post Alertmanager messages (default template, `[FIRING:1] …` attachment, unique \
            instance per alert) with the simulator's `postAsBot`, round-robin over \(BenchEvents.alertChannels.count) \
            watched channels (`VIGIL_ALERT_CHANNELS`), so that no channel gets more than 1 post/s or more than 10 \
            alerts a minute (Vigil's storm threshold would otherwise replace replies by a summary). The simulator's \
            per-channel post rate rule is off.
            - **Warm-up.** \(p.warmUpCount) ack-only envelopes at 1,000/s after connect, not recorded.
            - **Ack latency:** \(p.latencyCount) envelopes at \(Int(p.latencyRate))/s; p50, p99 (nearest rank) and max.
            - **Burst:** \(p.burstCount) envelopes written as fast as the simulator can; acks per second = acked \
            envelopes / (last ack read − first envelope written). The simulator's redelivery is off (ack timeout \
            600 s, no retries) so late acks are counted ("later than Slack's 3 s", where Slack would have re-sent \
            the event) instead of adding work.
            - **Alert load, then slow posts:** \(p.slowAlertCount) alerts at \(Int(p.slowAlertRate))/s and, at the \
            same time, \(p.slowFillerCount) ack-only envelopes at \(Int(p.slowFillerRate))/s; p50/p99/max over all \
            their acks. Run twice: first with `chat.postMessage` answered at once (the control: same traffic, same \
            handler work), then with every `chat.postMessage` answered after \(Int(p.slowPostDelay.seconds)) s. \
            "Unaffected" compares the two; if acks waited for handlers, p99 would be ≥ 2,000 ms. Replies of the slow \
            run are counted after a further wait of up to 30 s (handler throughput; no target).
            - **RSS** is `VmRSS` from `/proc/<pid>/status`: idle = \(Self.seconds(p.settle)) after the connections \
            are live; growth = RSS after the \(p.soakCount)-envelope soak (at \(Int(p.soakRate))/s) minus RSS just \
            before it (after the warm-up, latency and end-to-end scenarios), so first-use allocations are not \
            counted as growth. Both are read once the process is quiet again. The idle RSS is split by mapping from \
            `/proc/<pid>/smaps`: the worker's own executable file (for Bolt the Python interpreter), other mapped files \
            (shared libraries, Python's extension modules) and anonymous memory (heap, stacks). File-backed pages are \
            clean, shared with every other process mapping the same file and dropped first under memory pressure; \
            Linux maps up to 64 KiB around each touched code page (fault-around), so a large executable whose code \
            is touched in many places shows far more resident code than it runs. Anonymous memory is what the \
            worker really holds for itself.
            - **CPU** is `utime + stime` of `/proc/<pid>/stat` (all threads, divided by `sysconf(_SC_CLK_TCK)`) \
            over the soak, divided by the envelopes acked in it, from just before it until the worker's CPU use has fallen back to idle (queued handler \
            work included), scaled to 10,000 envelopes. Idle CPU is measured over the settle pause after connect.
            - **End to end:** \(p.endToEndCount) alerts at \(Int(p.endToEndRate))/s; from the alert envelope's write to \
            the simulator reading the `chat.postMessage` whose `thread_ts` is the alert's `ts`.
            - **Floor:** `bench/ack_floor.c`, a libwebsockets client that only finds `"envelope_id":"…"` in each \
            text frame and writes `{"envelope_id":"…"}` back (one frame per writable callback); the bench opens its \
            two Socket Mode URLs with `apps.connections.open`. It shows what this machine, the simulator and \
            libwebsockets allow. It does not post, so it has no alert figures. Like any worker on this design \
            (wss:// through libwebsockets, https:// through libcurl, both on OpenSSL) it sets both clients up for TLS \
            at start (the libwebsockets client TLS context with the system trust store; libcurl initialised, one \
            handle): the bench's sockets are plain, so that costs nothing per envelope, and its idle RSS is what the \
            design's libraries take before any worker code runs (without TLS and libcurl it idles at ≈ 4.3 MiB).
            - **Bolt** (`bench/bolt_worker.py`): `App(client=WebClient(token, base_url=SLACK_API_URL))`, \
            `@app.event("message")`, `SocketModeHandler(app, app_token).start()`, i.e. the built-in Socket Mode client \
            Bolt's docs use. It keeps **one** connection (Vigil keeps two; the floor opens two); the simulator \
            routes round-robin over whatever is live, so Bolt gets every envelope on one socket. Bolt acks events \
            before running the listener (on its thread pool). Its WebClient honours `base_url` for \
            `apps.connections.open` too; nothing is patched.
            - **When Bolt loses envelopes.** slack-sdk's built-in Socket Mode client reads the socket in 1 KiB \
            pieces and parses frames itself (`slack_sdk/socket_mode/builtin/internals.py`, `_fetch_messages`). When \
            it falls behind (a burst, or a sustained rate above what one Python process handles), reads end inside \
            frames; in our runs it then logs `Received an unsupported data frame` (a partial frame taken as whole, \
            the rest parsed as a new header), stops acking on that connection and reconnects. The envelopes written \
            to the broken connection are never acked; real Slack would re-send them after 3 s (up to 3 times). The \
            same byte stream is parsed correctly by libwebsockets (the floor, Vigil). Bolt's burst figures then \
            describe the envelopes it did ack, and its CPU figure is per envelope acked. The soak runs at \
            \(Int(p.soakRate))/s so that Bolt keeps up and the CPU and RSS comparison covers the same work.
            - **Reading Bolt's latency.** Its maxima sit near 40 ms in most runs, the signature of Nagle's \
            algorithm meeting delayed ACKs: the built-in client sets `TCP_NODELAY` only on its proxy path, so small \
            ack frames can wait for the previous one's TCP ACK (the same holds with TLS to Slack's port 443). That \
            is how Bolt behaves out of the box, so it is measured as is.
            - **Shutdown:** SIGTERM at the end of every run; a run counts as clean when the process exits with \
            status 0 within 10 s.

            """
        if !self.notes.isEmpty {
            text += "\n## Notes from this run\n\n" + self.notes.map { "- \($0)" }.joined(separator: "\n") + "\n"
        }
        return text
    }

    private static func seconds(_ duration: Duration) -> String { String(format: "%.1f s", duration.seconds) }
}
