/// A key of the configuration file as errors name it: `workspaces[1].bot_token_file`,
/// `runbooks[0].probes[2].command`, `runbooks[0].match.labels["app.kubernetes.io/name"]`.
struct ConfigurationPath: Sendable, Hashable, CustomStringConvertible {
    /// One step: a mapping key or a list index.
    enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    /// The steps from the top of the file.
    var components: [Component] = []

    /// The top of the file.
    static let root = ConfigurationPath()

    /// This path extended by a key.
    func appending(_ key: String) -> ConfigurationPath { ConfigurationPath(components: components + [.key(key)]) }

    /// This path extended by a list index.
    func appending(_ index: Int) -> ConfigurationPath { ConfigurationPath(components: components + [.index(index)]) }

    /// The components as `ConfigReader` key components (indices as decimal text).
    var keyComponents: [String] {
        components.map {
            switch $0 {
            case .key(let key): key
            case .index(let index): String(index)
            }
        }
    }

    /// The key as errors show it.
    var description: String {
        var text = ""
        for component in components {
            switch component {
            case .index(let index):
                text += "[\(index)]"
            case .key(let key):
                let isWord =
                    !key.isEmpty
                    && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
                if !isWord {
                    text += "[\"\(SecretValue.containsSlackToken(key) ? "<redacted>" : key)\"]"
                } else {
                    text += text.isEmpty ? key : ".\(key)"
                }
            }
        }
        return text
    }
}
