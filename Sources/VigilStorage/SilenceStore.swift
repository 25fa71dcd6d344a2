import AlertReading
import Foundation

/// Silences: time-boxed matchers that keep Vigil quiet about matching alerts (still recorded, not investigated).
/// Part of ``VigilStore``.
public protocol SilenceStore: Sendable {
    /// Creates a silence active from now until `expiresAt`.
    func createSilence(
        workspace: String,
        matcher: Silence.Matcher,
        createdBy: String,
        reason: String,
        at: Date,
        expiresAt: Date
    ) async throws -> Silence

    /// Silences of the workspace still active at `at`, soonest to expire first.
    func activeSilences(workspace: String, at: Date) async throws -> [Silence]

    /// Deletes a silence of the workspace.
    /// - Returns: `false` if the workspace has no silence with that id.
    @discardableResult
    func removeSilence(workspace: String, id: Int64) async throws -> Bool

    /// The active silence covering `alert` at `at`, if any; when several do, the one lasting longest.
    func activeSilence(matching alert: Alert, workspace: String, at: Date) async throws -> Silence?
}
