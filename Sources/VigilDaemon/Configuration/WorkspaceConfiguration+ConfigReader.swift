import Configuration
import SystemPackage

import Foundation
import Vigil
import VigilBase

extension WorkspaceConfiguration {
    /// Reads and validates every workspace, then resolves their tokens.
    ///
    /// Without a `workspaces` key there is exactly one workspace, named `default`, configured by the environment
    /// and credentials alone (Vigil's behaviour before the file existed).
    ///
    /// - Parameters:
    ///   - scope: The top of the configuration.
    ///   - environment: The filtered environment (for `VIGIL_ALERT_CHANNELS` and `CREDENTIALS_DIRECTORY`).
    ///   - environmentLayer: The environment provider, mapped to configuration keys (it supplies the first
    ///     workspace's `SLACK_APP_TOKEN`/`SLACK_BOT_TOKEN`).
    ///   - diagnostics: Where problems go.
    /// - Returns: The workspaces that could be read completely.
    static func readAll(
        _ scope: ConfigurationScope,
        environment: [String: String],
        environmentLayer: any ConfigProvider,
        _ diagnostics: inout ConfigurationDiagnostics
    ) async -> [WorkspaceConfiguration] {
        let count: Int
        let isImplicit: Bool
        switch scope.node("workspaces")?.value {
        case nil, .null?:
            (count, isImplicit) = (1, true)
        case .list(let items)?:
            (count, isImplicit) = (items.count, false)
            if items.isEmpty {
                diagnostics.report(
                    scope.name("workspaces"),
                    "lists no workspace; list at least one, or remove the key to run one workspace configured "
                        + "from the environment"
                )
            }
        default:
            (count, isImplicit) = (0, false)  // the schema check reported the shape
        }

        var drafts: [Draft] = []
        for index in 0..<count where isImplicit || scope.itemIndices("workspaces").contains(index) {
            let draft = Draft(
                scope.child("workspaces").child(index), index: index, count: count, environment: environment,
                &diagnostics)
            if let earlier = drafts.first(where: { $0.name == draft.name }) {
                diagnostics.report(
                    draft.scope.name("name"),
                    "\(ConfigurationDiagnostics.quote(draft.name)) is also the name of \(earlier.scope.path); "
                        + "names must be unique"
                )
            }
            for kind in TokenKind.allCases {
                if let earlier = drafts.first(where: { $0.credential[kind] == draft.credential[kind] }) {
                    diagnostics.report(
                        draft.scope.name("\(kind.rawValue)_token_credential"),
                        "the credential \(draft.credential[kind]!) is also used by \(earlier.scope.path); "
                            + "each workspace needs its own tokens"
                    )
                }
            }
            drafts.append(draft)
        }

        // Tokens: the environment (first workspace only), then $CREDENTIALS_DIRECTORY/<credential name>.
        var secretProviders: [any ConfigProvider] = [environmentLayer]
        if let directory = environment["CREDENTIALS_DIRECTORY"] {
            do {
                let credentials = try await DirectoryFilesProvider(
                    directoryPath: FilePath(directory), allowMissing: true)
                var names: [[String]: String] = [:]
                for draft in drafts {
                    for kind in TokenKind.allCases {
                        names[draft.scope.path.keyComponents + ["\(kind.rawValue)_token"]] = draft.credential[kind]
                    }
                }
                let credentialNames = names
                secretProviders.append(
                    credentials.mapKeys { key in AbsoluteConfigKey([credentialNames[key.components] ?? "-"]) })
            } catch {
                diagnostics.report(
                    "CREDENTIALS_DIRECTORY", "cannot read the credentials directory \(directory): \(error)")
            }
        }
        let secrets = ConfigReader(providers: secretProviders)

        var workspaces: [WorkspaceConfiguration] = []
        for draft in drafts {
            let app = draft.token(
                .app, secrets: secrets, environment: environment, isImplicit: isImplicit, &diagnostics)
            let bot = draft.token(
                .bot, secrets: secrets, environment: environment, isImplicit: isImplicit, &diagnostics)
            guard let app, let bot else { continue }
            if let earlier = workspaces.first(where: { $0.botToken == bot.token }) {
                diagnostics.report(
                    bot.source,
                    "holds the same bot token as workspace \(earlier.name) (\(earlier.botTokenSource)); "
                        + "each workspace entry must be a different Slack workspace"
                )
            }
            workspaces.append(
                WorkspaceConfiguration(
                    name: draft.name,
                    appToken: app.token,
                    botToken: bot.token,
                    appTokenSource: app.source,
                    botTokenSource: bot.source,
                    apiURL: draft.apiURL,
                    alertChannels: draft.alertChannels,
                    permissions: draft.permissions,
                    approvers: draft.approvers,
                    slashCommand: draft.slashCommand,
                    allowSelfApproval: draft.allowSelfApproval
                )
            )
        }
        return workspaces
    }

    /// Everything of a workspace except its tokens, which need every workspace's credential names first.
    private struct Draft {
        let scope: ConfigurationScope
        let index: Int
        var name = "default"
        /// Whether `name` was given validly (or legitimately left out), so default credential names are meaningful.
        var hasValidName = true
        var credential: [TokenKind: String] = [:]
        var tokenFile: [TokenKind: String] = [:]
        var apiURL = WorkspaceConfiguration.defaultAPIURL
        var alertChannels: [String] = []
        var permissions = PermissionsConfiguration()
        var approvers: [String] = []
        var allowSelfApproval = false
        var slashCommand = WorkspaceConfiguration.defaultSlashCommand

        init(
            _ scope: ConfigurationScope, index: Int, count: Int, environment: [String: String],
            _ diagnostics: inout ConfigurationDiagnostics
        ) {
            self.scope = scope
            self.index = index
            if let name = scope.text("name") {
                if Self.isName(name) {
                    self.name = name
                } else {
                    diagnostics.report(
                        scope.name("name"),
                        "\(ConfigurationDiagnostics.quote(name)) is not a valid name; use 1 to 32 lower-case letters, "
                            + "digits, - and _, starting with a letter or digit (it appears in logs, metrics "
                            + "and credential names)"
                    )
                    self.name = "workspace\(index)"
                    hasValidName = false
                }
            } else if count > 1 {
                diagnostics.report(
                    scope.name("name"), "is required when there are several workspaces (it labels logs and metrics)")
                self.name = "workspace\(index)"
                hasValidName = false
            }

            for kind in TokenKind.allCases {
                let credentialKey = "\(kind.rawValue)_token_credential"
                if let credential = scope.text(credentialKey) {
                    if !Self.isCredentialName(credential) {
                        diagnostics.report(
                            scope.name(credentialKey),
                            "\(ConfigurationDiagnostics.quote(credential)) is not a usable credential name; "
                                + "use letters, digits, - and _"
                        )
                    }
                    self.credential[kind] = credential
                } else {
                    self.credential[kind] = WorkspaceConfiguration.defaultCredentialName(
                        kind: kind, index: index, name: name)
                }
                let fileKey = "\(kind.rawValue)_token_file"
                if let file = scope.text(fileKey) {
                    if file.hasPrefix("/") {
                        tokenFile[kind] = file
                    } else {
                        diagnostics.report(
                            scope.name(fileKey), "must be an absolute path, got \(ConfigurationDiagnostics.quote(file))"
                        )
                    }
                }
            }

            if let url = scope.text("api_url") {
                switch Self.checkAPIURL(url) {
                case .success(let url): apiURL = url
                case .failure(let problem): diagnostics.report(scope.name("api_url"), problem.text)
                }
            }

            for (position, channel) in (scope.list("alert_channels") ?? []).enumerated() {
                if EnvironmentSettings.isChannelID(channel) {
                    if !alertChannels.contains(channel) { alertChannels.append(channel) }
                } else {
                    diagnostics.report(
                        scope.path.appending("alert_channels").appending(position),
                        "\(ConfigurationDiagnostics.quote(channel)) is not a channel ID (IDs look like C0123ABCD; "
                            + "names are not accepted because they can change)"
                    )
                }
            }
            if index == 0, let extra = environment["VIGIL_ALERT_CHANNELS"] {
                for channel in extra.split(separator: ",").map({ $0.trimmed() }) where !channel.isEmpty {
                    if EnvironmentSettings.isChannelID(channel) {
                        if !alertChannels.contains(channel) { alertChannels.append(channel) }
                    } else {
                        diagnostics.report(
                            "VIGIL_ALERT_CHANNELS",
                            "\(ConfigurationDiagnostics.quote(channel)) is not a channel ID (IDs look like C0123ABCD; "
                                + "names are not accepted because they can change)"
                        )
                    }
                }
            }

            let permissionsScope = scope.child("permissions")
            func audience(_ key: String, default defaultValue: Audience) -> Audience {
                guard let entries = permissionsScope.list(key) else { return defaultValue }
                var result = Audience.nobody
                for (position, entry) in entries.enumerated() {
                    if entry == "*" {
                        result.everyone = true
                    } else if Audience.isUserID(entry) {
                        if !result.userIDs.contains(entry) { result.userIDs.append(entry) }
                    } else if Audience.isUserGroupID(entry) {
                        if !result.userGroupIDs.contains(entry) { result.userGroupIDs.append(entry) }
                    } else {
                        diagnostics.report(
                            permissionsScope.path.appending(key).appending(position),
                            "\(ConfigurationDiagnostics.quote(entry)) is not \"*\", a user ID (U…/W…) or a "
                                + "user-group ID (S…); copy a member ID from the person's Slack profile "
                                + "(⋮ → Copy member ID)"
                        )
                    }
                }
                return result
            }
            permissions = PermissionsConfiguration(
                ack: audience("ack", default: .everyone),
                resolve: audience("resolve", default: .everyone),
                silence: audience("silence", default: .everyone),
                rerun: audience("rerun", default: .everyone),
                watch: audience("watch", default: .nobody),
                approve: audience("approve", default: .nobody),
                audit: audience("audit", default: .nobody),
                otherTeams: audience("other_teams", default: .nobody)
            )
            allowSelfApproval = scope.child("approvals").boolean(
                "allow_self_approval", default: false, &diagnostics)

            for (position, approver) in (scope.list("approvers") ?? []).enumerated() {
                let approverPath = scope.path.appending("approvers").appending(position)
                guard Audience.isUserID(approver) else {
                    diagnostics.report(
                        approverPath,
                        "\(ConfigurationDiagnostics.quote(approver)) is not a user ID (U…/W…); approval requests are "
                            + "sent by direct message, so list people, not groups"
                    )
                    continue
                }
                let approve = permissions.approve
                if approve.isNobody {
                    diagnostics.report(
                        scope.path.appending("approvers"),
                        "lists people who would receive approval requests, but permissions.approve is empty so nobody "
                            + "may approve; add them to permissions.approve"
                    )
                } else if !approve.everyone, approve.userGroupIDs.isEmpty, !approve.userIDs.contains(approver) {
                    diagnostics.report(
                        approverPath,
                        "\(approver) may not approve (not in permissions.approve); add them there or remove them here"
                    )
                }
                if !approvers.contains(approver) { approvers.append(approver) }
            }

            if let command = scope.text("slash_command") {
                let body = command.dropFirst()
                if command.hasPrefix("/"), (1...31).contains(body.count),
                    body.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") })
                {
                    slashCommand = command
                } else {
                    diagnostics.report(
                        scope.name("slash_command"),
                        "must be / followed by up to 31 lower-case letters, digits, - or _ (as configured in "
                            + "the Slack app), got \(ConfigurationDiagnostics.quote(command))"
                    )
                }
            }
        }

        /// Resolves one token: environment (first workspace), credential, token file.
        func token(
            _ kind: TokenKind,
            secrets: ConfigReader,
            environment: [String: String],
            isImplicit: Bool,
            _ diagnostics: inout ConfigurationDiagnostics
        ) -> (token: SecretValue, source: String)? {
            let environmentName = kind == .app ? "SLACK_APP_TOKEN" : "SLACK_BOT_TOKEN"
            let credentialName = credential[kind]!
            let text: String
            let source: ConfigurationScope.KeyName
            let tokenKey = ConfigKey(scope.path.keyComponents + ["\(kind.rawValue)_token"])
            if let value = secrets.string(forKey: tokenKey, isSecret: true) {
                text = value
                let fromEnvironment = index == 0 && environment[environmentName] != nil
                source = .named(fromEnvironment ? environmentName : "credential \(credentialName)")
                // A credential is a file like any token file: refused when others may read it (see TokenFile).
                if !fromEnvironment, let directory = environment["CREDENTIALS_DIRECTORY"],
                    let problem = TokenFile.problem(at: directory + "/" + credentialName)
                {
                    diagnostics.report(source, problem.description)
                    return nil
                }
            } else if let file = tokenFile[kind] {
                source = .file(scope.path.appending("\(kind.rawValue)_token_file"))
                switch TokenFile.read(file) {
                case .success(let contents): text = contents
                case .failure(let problem):
                    diagnostics.report(source, problem.description)
                    return nil
                }
            } else {
                // Without a valid name the default credential name is unknown; the name's own error says what to fix.
                guard hasValidName else { return nil }
                if diagnostics.hasReported(scope.path.appending("\(kind.rawValue)_token_file").description) {
                    return nil
                }
                let what = kind == .app ? "app-level token (xapp-…)" : "bot token (xoxb-…)"
                var places =
                    "load it as the systemd credential \(credentialName) "
                    + "(LoadCredential=\(credentialName):/etc/vigil/credentials/\(credentialName)) or set "
                    + "\(kind.rawValue)_token_file"
                if index == 0 { places = "set \(environmentName), or " + places }
                if environment["CREDENTIALS_DIRECTORY"] == nil {
                    places +=
                        " (CREDENTIALS_DIRECTORY is not set: Vigil is not running under systemd with LoadCredential=)"
                }
                let key = isImplicit ? environmentName : scope.path.appending("\(kind.rawValue)_token").description
                diagnostics.report(key, "no \(what) found; \(places)")
                return nil
            }
            let token = SecretValue(text)
            let revealed = token.reveal()
            guard revealed.hasPrefix(kind.prefix), revealed.count > kind.prefix.count,
                !revealed.contains(where: \.isWhitespace)
            else {
                let advice =
                    kind == .app
                    ? "an app-level token starts with xapp- (Basic Information → App-Level Tokens, scope "
                        + "connections:write)"
                    : "a bot token starts with xoxb- (OAuth & Permissions → Bot User OAuth Token)"
                diagnostics.report(source, "does not hold \(kind == .app ? "an app-level" : "a bot") token: \(advice)")
                return nil
            }
            let sourceText: String
            switch source {
            case .file(let path): sourceText = path.description
            case .named(let name): sourceText = name
            }
            return (token, sourceText)
        }

        static func isName(_ text: String) -> Bool {
            guard let first = text.first, first.isASCII, first.isLowercase || first.isNumber, text.count <= 32 else {
                return false
            }
            return text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }
        }

        static func isCredentialName(_ text: String) -> Bool {
            (1...128).contains(text.count)
                && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        }

        enum URLProblem: Error {
            case notHTTP, plainHTTP

            var text: String {
                switch self {
                case .notHTTP: "must be an http(s) URL such as https://slack.com/api/"
                case .plainHTTP:
                    "must use https://: plain http would send the bot token in clear text (http:// is accepted "
                        + "only for 127.0.0.1, [::1] and localhost, e.g. the Slack simulator)"
                }
            }
        }

        /// Checks a Web API base URL and adds the trailing `/`.
        static func checkAPIURL(_ url: String) -> Result<String, URLProblem> {
            let lowered = url.lowercased()
            let normalised = url.hasSuffix("/") ? url : url + "/"
            if lowered.hasPrefix("https://"), lowered.count > "https://".count { return .success(normalised) }
            guard lowered.hasPrefix("http://") else { return .failure(.notHTTP) }
            let authority = lowered.dropFirst("http://".count).prefix(while: { $0 != "/" })
            let host: Substring
            if authority.hasPrefix("[") {
                host = authority.prefix(while: { $0 != "]" }).dropFirst()
            } else {
                host = authority.prefix(while: { $0 != ":" })
            }
            let octets = host.split(separator: ".", omittingEmptySubsequences: false)
            let isIPv4Loopback = octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
            let isLoopback = host == "localhost" || host == "::1" || isIPv4Loopback
            return isLoopback ? .success(normalised) : .failure(.plainHTTP)
        }
    }
}
