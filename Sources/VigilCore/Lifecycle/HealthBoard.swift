import Synchronization

/// What every workspace reports about itself, gathered for systemd's `STATUS=`, the watchdog, `/vigil status` and
/// metrics.
public final class HealthBoard: Sendable {
    /// One workspace's health.
    public struct WorkspaceHealth: Sendable, Equatable {
        public var liveConnections = 0
        public var reconnects = 0
        public var openIncidents = 0
        /// `nil` while unknown; `false` once `auth.test` said the token is revoked or invalid.
        public var tokenHealthy: Bool?
        /// Why the workspace stopped working, when it did.
        public var failure: String?

        public init() {}

        /// Whether this workspace can still work (its tokens were not rejected and it did not stop).
        public var isWorking: Bool { tokenHealthy != false && failure == nil }
    }

    private struct State {
        var workspaces: [String: WorkspaceHealth] = [:]
        var everLive = false
        var readyWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Updates one workspace's entry.
    public func update(_ workspace: String, _ change: (inout WorkspaceHealth) -> Void) {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            var health = state.workspaces[workspace] ?? WorkspaceHealth()
            change(&health)
            state.workspaces[workspace] = health
            guard !state.everLive, health.liveConnections > 0 else { return [] }
            state.everLive = true
            defer { state.readyWaiters = [:] }
            return Array(state.readyWaiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// A copy of every workspace's entry.
    public var snapshot: [String: WorkspaceHealth] { state.withLock { $0.workspaces } }

    /// Total live Socket Mode connections.
    public var liveConnections: Int { snapshot.values.reduce(0) { $0 + $1.liveConnections } }

    /// Whether some workspace is working and has a live connection now.
    public var isHealthy: Bool { snapshot.values.contains { $0.isWorking && $0.liveConnections > 0 } }

    /// Whether every workspace has stopped working (the process should then exit 78).
    public var allWorkspacesFailed: Bool {
        let workspaces = snapshot.values
        return !workspaces.isEmpty && workspaces.allSatisfy { !$0.isWorking }
    }

    /// One line for systemd's `STATUS=`, e.g. `2 connections live · 3 open incidents`.
    public var statusLine: String {
        let workspaces = snapshot
        let live = workspaces.values.reduce(0) { $0 + $1.liveConnections }
        let incidents = workspaces.values.reduce(0) { $0 + $1.openIncidents }
        var line = "\(live) connection\(live == 1 ? "" : "s") live · \(incidents) open incident\(incidents == 1 ? "" : "s")"
        let failed = workspaces.filter { !$0.value.isWorking }.keys.sorted()
        if !failed.isEmpty { line += " · not working: \(failed.joined(separator: ", "))" }
        return line
    }

    /// Returns once any workspace had its first live connection (Slack's first `hello`), or when the calling task
    /// is cancelled.
    public func waitUntilFirstLive() async {
        let ticket = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if state.everLive || Task.isCancelled { return true }
                    state.readyWaiters[ticket] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.readyWaiters.removeValue(forKey: ticket) }?.resume()
        }
    }
}
