/// One of the compared workers and how to start it.
struct WorkerSpec: Sendable {
    /// Which worker.
    enum Kind: String, Sendable, CaseIterable {
        case floor
        case vigil
        case bolt
    }

    /// Which worker this is.
    let kind: Kind
    /// The command: an executable path (Vigil, floor) or a shell command line (Bolt, run with `exec`).
    let command: String
    /// Live Socket Mode connections to wait for before measuring.
    let connections: Int
    /// Vigil's configuration file (`vigil run --config`), as the systemd unit gives one; nil for none.
    var configFile: String? = nil
    /// Variables the worker gets besides the bench's own (Vigil: its systemd unit's `Environment=` lines).
    var unitEnvironment: [String: String] = [:]

    /// Whether the worker replies to alerts (the floor only acks).
    var repliesToAlerts: Bool { self.kind != .floor }

    /// The name in tables and messages.
    var displayName: String {
        switch self.kind {
        case .floor: return "floor"
        case .vigil: return "Vigil"
        case .bolt: return "Bolt"
        }
    }

    /// Executable and arguments. `socketURLs` are the floor's tickets (the others open their own).
    func launch(socketURLs: [String]) -> (executable: String, arguments: [String]) {
        switch self.kind {
        case .vigil: return (self.command, ["run"] + (self.configFile.map { ["--config", $0] } ?? []))
        case .floor: return (self.command, socketURLs)
        case .bolt: return ("/bin/sh", ["-c", "exec " + self.command])
        }
    }
}
