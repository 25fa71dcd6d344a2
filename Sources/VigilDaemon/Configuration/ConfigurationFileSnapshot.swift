import Configuration
import Yams
import VigilBase

/// swift-configuration's view of Vigil's YAML file: a `FileConfigSnapshot`, read through the library's
/// `FileProvider` and consulted through a `ConfigReader` like any other provider.
///
/// Why not the library's own `YAMLSnapshot` (trait `YAML`): in swift-configuration 1.4.0 it accepts lists of plain
/// values only and throws `nonScalarValueInArray` for a list whose items are sections, so a file with
/// `workspaces:` or `runbooks:` in it cannot be loaded through it at all (a test pins this down). This snapshot
/// plugs into the library's documented extension point instead and differs in two ways:
/// - list items are addressed by index, so `workspaces.1.bot_token_file` or `runbooks.0.probes.2.command` are
///   ordinary keys for `ConfigReader` (use `ConfigKey(["workspaces", "1", "bot_token_file"])`, which also keeps
///   label keys containing dots intact);
/// - it keeps the parsed tree (``root``), because `ConfigReader` has no API to enumerate keys, and the loader needs
///   to: to report unknown keys, to count list items and to read the free-form `match.labels` sections.
///
/// Values that are secrets (the refused `app_token`/`bot_token` keys, or anything that looks like a Slack token) are
/// marked secret, so the library's access logging and this type's `debugDescription` print `<REDACTED>`.
final class ConfigurationFileSnapshot: FileConfigSnapshot {
    /// This snapshot has no options.
    struct ParsingOptions: FileParsingOptions {
        /// The only options there are.
        static var `default`: ParsingOptions { ParsingOptions() }
    }

    /// The file is not YAML Vigil can use. The description names the line and never quotes the file's text.
    struct ParseError: Error, Sendable, CustomStringConvertible {
        /// The 1-based line, when known.
        var line: Int?
        /// What is wrong.
        var problem: String

        /// `line 4: problem`.
        var description: String { (line.map { "line \($0): " } ?? "") + problem }
    }

    /// A value was requested as a type its node cannot provide. `ConfigReader` treats it as absent; the loader
    /// reports the mismatch itself (from the schema walk), with the key name and what to write.
    struct TypeMismatch: Error, CustomStringConvertible {
        /// The dotted key.
        var key: String
        /// The type asked for.
        var type: ConfigType
        /// What could not be read.
        var description: String { "\(key) cannot be read as \(type)" }
    }

    /// The name `FileProvider` gives its snapshot.
    let providerName: String

    /// The whole file; an empty mapping for an empty file.
    let root: ConfigurationNode

    /// Wraps an already parsed tree (tests, and the file initializer below).
    init(root: ConfigurationNode, providerName: String) {
        self.root = root
        self.providerName = providerName
    }

    /// Parses the file's bytes; called by `FileProvider`.
    ///
    /// - Throws: ``ParseError`` when the bytes are not UTF-8 YAML with a mapping at the top.
    convenience init(data: RawSpan, providerName: String, parsingOptions: ParsingOptions) throws {
        let bytes = data.withUnsafeBytes { Array($0) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ParseError(problem: "is not UTF-8 text")
        }
        self.init(root: try Self.parse(text), providerName: providerName)
    }

    /// Parses YAML text into a tree whose top level is a mapping.
    ///
    /// - Parameter text: The file's content.
    /// - Returns: The tree.
    /// - Throws: ``ParseError``, naming the line but never quoting the file (it might hold a token pasted by
    ///   mistake).
    static func parse(_ text: String) throws(ParseError) -> ConfigurationNode {
        let node: Yams.Node?
        do {
            // Every scalar stays text (ConfigurationNode), so no tag is ever resolved: the basic resolver spares
            // compiling Yams' seven implicit-tag regular expressions (ICU, ≈ 2 MiB of code and data touched at start).
            node = try Yams.Parser(yaml: text, resolver: .basic).singleRoot()
        } catch let error as YamlError {
            throw ParseError(yamlError: error)
        } catch {
            throw ParseError(problem: "cannot be parsed as YAML")
        }
        guard let node else { return ConfigurationNode(.mapping([])) }
        let root = try ConfigurationNode(node)
        switch root.value {
        case .mapping: return root
        case .null: return ConfigurationNode(.mapping([]))
        case .scalar, .list:
            throw ParseError(line: root.line, problem: "the top level must be a section of `key: value` lines")
        }
    }

    /// The value at `key` (list items by decimal index), or no value when the key is absent or null.
    ///
    /// - Throws: ``TypeMismatch`` when the node cannot be given as `type`; `ConfigReader` then treats it as absent.
    func value(forKey key: AbsoluteConfigKey, type: ConfigType) throws -> LookupResult {
        let encodedKey = key.components.joined(separator: ".")
        guard let node = root.node(at: key.components), !node.isNull else {
            return LookupResult(encodedKey: encodedKey, value: nil)
        }
        let isSecret = Self.isSecret(key: key.components, node: node)
        func mismatch() -> TypeMismatch { TypeMismatch(key: encodedKey, type: type) }
        let content: ConfigContent
        switch (type, node.value) {
        case (.string, .scalar(let text)):
            content = .string(text)
        case (.int, .scalar(let text)):
            guard let int = Int(text) else { throw mismatch() }
            content = .int(int)
        case (.double, .scalar(let text)):
            guard let double = Double(text) else { throw mismatch() }
            content = .double(double)
        case (.bool, .scalar(let text)):
            guard let bool = Bool(text) else { throw mismatch() }
            content = .bool(bool)
        case (.stringArray, .list(let items)):
            var strings: [String] = []
            for item in items {
                guard case .scalar(let text) = item.value else { throw mismatch() }
                strings.append(text)
            }
            content = .stringArray(strings)
        default:
            throw mismatch()
        }
        return LookupResult(encodedKey: encodedKey, value: ConfigValue(content, isSecret: isSecret))
    }

    /// A one-line summary without values.
    var description: String { "\(providerName)[\(root.entries.count) top-level keys]" }

    /// Every `key=value`, secrets shown as `<REDACTED>`.
    var debugDescription: String {
        var pairs: [String] = []
        func walk(_ node: ConfigurationNode, _ path: [String]) {
            switch node.value {
            case .null: pairs.append("\(path.joined(separator: "."))=null")
            case .scalar(let text):
                let shown = Self.isSecret(key: path, node: node) ? "<REDACTED>" : text
                pairs.append("\(path.joined(separator: "."))=\(shown)")
            case .list(let items): for (index, item) in items.enumerated() { walk(item, path + [String(index)]) }
            case .mapping(let entries): for entry in entries { walk(entry.value, path + [entry.key]) }
            }
        }
        walk(root, [])
        return "\(providerName)[\(pairs.count) values: \(pairs.joined(separator: ", "))]"
    }

    private static func isSecret(key: [String], node: ConfigurationNode) -> Bool {
        if let last = key.last, last == "app_token" || last == "bot_token" { return true }
        switch node.value {
        case .scalar(let text): return SecretValue.containsSlackToken(text)
        case .list(let items): return items.contains { isSecret(key: [], node: $0) }
        case .null, .mapping: return false
        }
    }
}

extension ConfigurationFileSnapshot.ParseError {
    /// Summarises a Yams error without the source snippet Yams appends to its own description.
    init(yamlError: YamlError) {
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let contextText = context.map { "\($0.text) " } ?? ""
            self.init(line: mark.line, problem: "\(contextText)\(problem) (column \(mark.column)); fix the YAML syntax")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.sorted().map { SecretValue.containsSlackToken($0) ? "<redacted>" : $0 }
            self.init(
                line: context.mark.line,
                problem: "the key \(names.joined(separator: ", ")) appears twice in the same section; keep one"
            )
        case .reader(let problem, _, _, _):
            self.init(problem: "cannot be read as text: \(problem)")
        default:
            self.init(problem: "cannot be parsed as YAML")
        }
    }
}
