import ArgumentParser

/// How the bench starts Vigil: as the systemd unit does, with a configuration file and the unit's environment.
/// Shared by `run` and `hold`.
struct VigilLaunchOptions: ParsableArguments {
    @Option(help: "Configuration file Vigil runs with (`vigil run --config`, as the systemd unit does); \"\" for none.")
    var vigilConfig = "deploy/vigil.example.yaml"

    @Option(help: "Systemd unit whose Environment= lines Vigil runs with; \"\" for none.")
    var vigilUnit = "deploy/vigil.service"

    /// Vigil at `command`, started with these options and waited for on two connections.
    /// - Throws: ``BenchError`` when the unit cannot be read.
    func worker(command: String) throws -> WorkerSpec {
        WorkerSpec(
            kind: .vigil, command: command, connections: 2,
            configFile: self.vigilConfig.isEmpty ? nil : self.vigilConfig,
            unitEnvironment: self.vigilUnit.isEmpty ? [:] : try SystemdUnit.environment(atPath: self.vigilUnit))
    }
}
