import VigilBase

/// The shape of Vigil's configuration file: which keys exist where, and whether each holds a value, a list or a
/// section. ``check(_:at:into:)`` walks the parsed file against it and reports unknown keys (with a suggestion for
/// typos such as `alert_chanels`), values of the wrong shape and anything that looks like a Slack token.
///
/// `ConfigReader` cannot list the keys a provider holds, so this walk uses the parsed tree of
/// ``ConfigurationFileSnapshot`` directly; the values themselves are then read through `ConfigReader`.
indirect enum ConfigurationSchema: Sendable {
    /// A single value.
    case value
    /// A list of single values.
    case valueList
    /// A section with these keys.
    case section([String: ConfigurationSchema])
    /// A section whose keys are free (label names) and whose values are single values.
    case freeSection
    /// A list of items of this shape.
    case list(ConfigurationSchema)
    /// A key that is recognised but refused, with the problem to report.
    case refused(String)

    /// The whole file.
    static let daemon: ConfigurationSchema = .section([
        "log_level": .value,
        "state_directory": .value,
        "ca_file": .value,
        "connections": .value,
        "metrics": .section(["listen": .value]),
        "workspaces": .list(workspace),
        "limits": .section([
            "storm_threshold": .value,
            "flapping": .section(["window": .value, "threshold": .value]),
            "related_window": .value,
            "approval_timeout": .value,
            "probe_concurrency": .value,
            "history_retention": .value,
            "catch_up_limit": .value,
            "handler_concurrency": .value,
            "max_silence": .value,
            "silence_pattern_min_literals": .value,
        ]),
        "probes": .section(["allowed_hosts": .valueList]),
        "runbooks": .list(runbook),
    ])

    private static let workspace: ConfigurationSchema = .section([
        "name": .value,
        "app_token_credential": .value,
        "bot_token_credential": .value,
        "app_token_file": .value,
        "bot_token_file": .value,
        "app_token": .refused(refusedToken(kind: "app")),
        "bot_token": .refused(refusedToken(kind: "bot")),
        "api_url": .value,
        "alert_channels": .valueList,
        "permissions": .section([
            "ack": .valueList, "resolve": .valueList, "silence": .valueList, "rerun": .valueList, "watch": .valueList,
            "approve": .valueList, "audit": .valueList, "other_teams": .valueList,
        ]),
        "approvers": .valueList,
        "approvals": .section(["allow_self_approval": .value]),
        "slash_command": .value,
    ])

    private static let runbook: ConfigurationSchema = .section([
        "name": .value,
        "match": .section(["sources": .valueList, "name": .value, "labels": .freeSection, "min_severity": .value]),
        "links": .list(.section(["label": .value, "url": .value])),
        "probes": .list(
            .section([
                "name": .value, "command": .valueList, "http": .value, "timeout": .value, "output_limit": .value,
                "requires_approval": .value, "allowed_hosts": .valueList,
            ])
        ),
    ])

    private static func refusedToken(kind: String) -> String {
        "tokens are not accepted in the configuration file (it is readable, copied and backed up like any config); "
            + "delete this line and give the token as a systemd credential (LoadCredential=, see "
            + "\(kind)_token_credential) or in a file only the vigil user can read (\(kind)_token_file)"
    }

    /// Reports every structural problem of `node` and below.
    ///
    /// - Parameters:
    ///   - node: The parsed file (or part of it).
    ///   - path: Where `node` is.
    ///   - diagnostics: Where problems go.
    func check(_ node: ConfigurationNode, at path: ConfigurationPath, into diagnostics: inout ConfigurationDiagnostics)
    {
        if case .refused(let problem) = self {
            diagnostics.report(path, problem)
            return
        }
        if node.isNull { return }  // not set: the default applies
        switch (self, node.value) {
        case (.value, .scalar(let text)):
            Self.checkNotToken(text, node: node, at: path, into: &diagnostics)
        case (.valueList, .list(let items)):
            for (index, item) in items.enumerated() {
                switch item.value {
                case .scalar(let text):
                    Self.checkNotToken(text, node: item, at: path.appending(index), into: &diagnostics)
                case .null: diagnostics.report(path.appending(index), "is empty; remove the item or give a value")
                case .list, .mapping:
                    diagnostics.report(path.appending(index), "must be a single value, found \(item.kindDescription)")
                }
            }
        case (.freeSection, .mapping(let entries)):
            for entry in entries {
                ConfigurationSchema.value.check(entry.value, at: path.appending(entry.key), into: &diagnostics)
                if entry.value.isNull {
                    diagnostics.report(path.appending(entry.key), "needs a value (a glob such as \"web-*\")")
                }
            }
        case (.list(let itemSchema), .list(let items)):
            for (index, item) in items.enumerated() {
                if item.isNull {
                    diagnostics.report(path.appending(index), "is empty; remove the dash or fill in the item")
                } else {
                    itemSchema.check(item, at: path.appending(index), into: &diagnostics)
                }
            }
        case (.section(let keys), .mapping(let entries)):
            for entry in entries {
                let child = path.appending(entry.key)
                if let schema = keys[entry.key] {
                    schema.check(entry.value, at: child, into: &diagnostics)
                } else {
                    let known = keys.keys.filter { if case .refused = keys[$0]! { false } else { true } }
                    diagnostics.report(child, Self.unknownKeyProblem(entry.key, known: known))
                }
            }
        default:
            diagnostics.report(path, "must be \(expectation), found \(node.kindDescription)")
        }
    }

    /// What a value of this shape looks like, for messages.
    var expectation: String {
        switch self {
        case .value: "a single value"
        case .valueList: "a list, such as [a, b] or one `- item` per line"
        case .section, .freeSection: "a section of `key: value` lines"
        case .list: "a list of sections, each item starting with `- `"
        case .refused: "absent"
        }
    }

    private static func checkNotToken(
        _ text: String, node: ConfigurationNode, at path: ConfigurationPath,
        into diagnostics: inout ConfigurationDiagnostics
    ) {
        guard SecretValue.containsSlackToken(text) else { return }
        diagnostics.report(
            path,
            "looks like a Slack token; tokens must not be written in the configuration file: "
                + "remove it, revoke it if the file was shared, and give tokens as systemd credentials or token files"
        )
    }

    /// "unknown key; did you mean alert_channels?" or "unknown key; expected one of: …".
    static func unknownKeyProblem(_ key: String, known: some Collection<String>) -> String {
        let sorted = known.sorted()
        if let suggestion = closestMatch(to: key, in: sorted) {
            return "unknown key; did you mean \(suggestion)?"
        }
        return "unknown key; expected one of: \(sorted.joined(separator: ", "))"
    }

    /// The candidate within edit distance 2 (or 1 for short words) of `word`, if exactly one is nearest.
    static func closestMatch(to word: String, in candidates: [String]) -> String? {
        let limit = word.count <= 4 ? 1 : 2
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0)) }.filter { $0.1 <= limit }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return scored.filter { $0.1 == best.1 }.count == 1 ? best.0 : nil
    }

    /// Levenshtein distance.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
