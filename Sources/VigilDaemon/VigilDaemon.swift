import Logging
import ServiceLifecycle

/// Runs every workspace side by side; returns on graceful shutdown, and throws
/// ``VigilDaemon/NoWorkspaceLeft`` when every workspace has failed for good (the process then exits 78).
public struct VigilDaemon: Service {
    /// Every workspace stopped for a reason a restart cannot fix.
    public struct NoWorkspaceLeft: Error, CustomStringConvertible {
        public var reasons: [String: String]
        public var description: String {
            "no workspace is left working: " + reasons.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
        }
    }

    private let workspaces: [WorkspaceService]
    private let health: HealthBoard

    public init(workspaces: [WorkspaceService], health: HealthBoard) {
        self.workspaces = workspaces
        self.health = health
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            for workspace in workspaces {
                group.addTask { await workspace.run() }
            }
        }
        if health.allWorkspacesFailed {
            throw NoWorkspaceLeft(reasons: health.snapshot.compactMapValues(\.failure))
        }
        // A workspace that stopped (not shut down) without failing leaves the daemon waiting for the signal.
        if !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await gracefulShutdown()
        }
    }
}
