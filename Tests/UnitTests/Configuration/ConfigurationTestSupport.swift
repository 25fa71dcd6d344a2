import Foundation
import Testing

@testable import VigilDaemon

/// A temporary folder for configuration files and a systemd-style credentials directory, removed afterwards.
struct ConfigurationSandbox {
    let root: URL

    /// The fake tokens every test uses; obviously fake, and searched for in every error text.
    static let appToken = "xapp-test-app-token"
    static let botToken = "xoxb-test-bot-token"

    private init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    /// Runs `body` with a fresh sandbox and deletes it afterwards.
    static func with<T>(_ body: (ConfigurationSandbox) async throws -> T) async throws -> T {
        let sandbox = try ConfigurationSandbox()
        defer { try? FileManager.default.removeItem(at: sandbox.root) }
        return try await body(sandbox)
    }

    /// Writes a file below the sandbox with mode `mode` (0600 by default, as token files must be) and returns its
    /// path.
    @discardableResult
    func write(_ relativePath: String, _ text: String, mode: Int = 0o600) throws -> String {
        let url = root.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        return url.path
    }

    /// Creates `credentials/` with the given files (`name → content`) and returns its path.
    func credentials(_ files: [String: String]) throws -> String {
        let directory = root.appendingPathComponent("credentials")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, content) in files { try write("credentials/\(name)", content) }
        return directory.path
    }

    /// A default path that does not exist.
    var missingDefaultPath: String { root.appendingPathComponent("etc/vigil/vigil.yaml").path }

    /// Loads `yaml` (written to `vigil.yaml` and given as `--config`), with the default first-workspace
    /// credentials unless `credentials` says otherwise.
    func load(
        _ yaml: String?,
        environment: [String: String] = [:],
        credentials: [String: String]? = ["slack-app-token": appToken + "\n", "slack-bot-token": botToken + "\n"]
    ) async throws(ConfigurationErrors) -> DaemonConfiguration {
        var environment = environment
        do {
            if let credentials, environment["CREDENTIALS_DIRECTORY"] == nil {
                environment["CREDENTIALS_DIRECTORY"] = try self.credentials(credentials)
            }
        } catch {
            Issue.record("sandbox: \(error)")
        }
        var path: String?
        if let yaml {
            do { path = try write("vigil.yaml", yaml) } catch { Issue.record("sandbox: \(error)") }
        }
        return try await DaemonConfiguration.load(
            configPath: path, environment: environment, defaultConfigPath: missingDefaultPath)
    }

    /// Loads `yaml` and returns the problems, recording an issue when it loads fine.
    func problems(
        _ yaml: String?,
        environment: [String: String] = [:],
        credentials: [String: String]? = ["slack-app-token": appToken, "slack-bot-token": botToken],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async -> ConfigurationErrors {
        do {
            _ = try await load(yaml, environment: environment, credentials: credentials)
            Issue.record("expected configuration errors", sourceLocation: sourceLocation)
            return ConfigurationErrors([])
        } catch {
            return error
        }
    }
}

extension ConfigurationErrors {
    /// Whether any text the admin could see contains something of a token.
    var leaksToken: Bool {
        let texts = [description, String(reflecting: self)] + errors.flatMap { [$0.description, $0.key, $0.problem] }
        return texts.contains { $0.contains("xoxb-test") || $0.contains("xapp-test") || $0.contains("xoxb-literal") }
    }
}
