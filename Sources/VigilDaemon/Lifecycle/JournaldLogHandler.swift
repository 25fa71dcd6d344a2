#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Synchronization
import VigilBase

/// A swift-log handler for journald: one line per record on stderr, prefixed with the syslog priority
/// (`<3>` … `<7>`) that journald turns into the entry's priority, then the message and `key=value` metadata.
///
/// journald adds its own timestamp, so none is written. Metadata values are printed as given: callers must never put
/// secrets in metadata (Vigil's tokens are only ever held in `SlackToken`, whose description is redacted).
public struct JournaldLogHandler: LogHandler {
    /// Where lines go; a test passes its own sink.
    public typealias Sink = @Sendable (String) -> Void

    /// Records below it are dropped. With a ``LogLevelSwitch`` the level is the switch's (shared by every copy of
    /// the logger, and setting it sets the switch).
    public var logLevel: Logger.Level {
        get { levelSwitch?.level ?? ownLevel }
        set {
            if let levelSwitch { levelSwitch.level = newValue } else { ownLevel = newValue }
        }
    }
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private var ownLevel: Logger.Level
    private let levelSwitch: LogLevelSwitch?
    private let label: String
    private let sink: Sink

    /// - Parameters:
    ///   - label: the logger's label, written before the message.
    ///   - level: records below it are dropped.
    ///   - sink: receives each finished line (without the newline); defaults to stderr.
    public init(label: String, level: Logger.Level, sink: @escaping Sink = JournaldLogHandler.standardError) {
        self.label = label
        self.ownLevel = level
        self.levelSwitch = nil
        self.sink = sink
    }

    /// A handler whose level follows `levelSwitch` (changed by a configuration reload).
    /// - Parameters:
    ///   - label: the logger's label, written before the message.
    ///   - levelSwitch: the shared level.
    ///   - sink: receives each finished line (without the newline); defaults to stderr.
    public init(label: String, levelSwitch: LogLevelSwitch, sink: @escaping Sink = JournaldLogHandler.standardError) {
        self.label = label
        self.ownLevel = levelSwitch.level
        self.levelSwitch = levelSwitch
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// The syslog priority journald understands for a swift-log level.
    public static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        var line = "<\(Self.priority(of: event.level))>\(label): \(event.message)"
        for key in merged.keys.sorted() {
            line += " \(key)=\(Self.render(merged[key]!))"
        }
        sink(line.replacingNewlines())
    }

    private static func render(_ value: Logger.Metadata.Value) -> String {
        let text = "\(value)"
        if text.isEmpty || text.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) {
            return "\"" + text.replacing("\"", with: "\\\"") + "\""
        }
        return text
    }

    /// Writes a line to stderr in one `write(2)`, so lines from several threads never interleave.
    public static let standardError: Sink = { line in
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

extension String {
    /// Multi-line messages stay one journal entry: newlines become `\n` escapes.
    fileprivate func replacingNewlines() -> String {
        contains("\n") ? replacing("\n", with: "\\n") : self
    }
}
