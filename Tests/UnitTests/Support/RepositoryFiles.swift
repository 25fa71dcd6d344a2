import Foundation

/// Files of this repository that the unit tests read: the sample payloads in `Tests/Fixtures/samples` and files
/// such as `deploy/slack-app-manifest.yaml`. Located from this source file (`#filePath`), so the tests need nothing
/// outside the checkout.
enum RepositoryFiles {
    /// The repository root: the nearest folder above this file holding `Package.swift`.
    static let root: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/",
            !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path)
        {
            folder = folder.deletingLastPathComponent()
        }
        return folder.standardizedFileURL
    }()

    /// `Tests/Fixtures/samples`: the alert-bot and Slack wire-format samples (see their README.md and INDEX.md).
    static var samples: URL {
        root.appendingPathComponent("Tests/Fixtures/samples", isDirectory: true)
    }

    /// The file at `relativePath` below the repository root (e.g. `deploy/vigil.service`).
    static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    /// The text of the file at `relativePath` below the repository root.
    /// - Throws: when the file cannot be read as UTF-8.
    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: url(relativePath), encoding: .utf8)
    }
}
