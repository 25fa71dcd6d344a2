import Foundation
import Logging
import NIOHTTP1
import Synchronization

/// The Web API (`/api/<method>`), slash-command response URLs (`/response/<id>`) and plain GETs of `/link/`.
extension SimulatorCore {
    /// A request read by ``SimulatorHTTPHandler``.
    typealias Request = SimulatedHTTPExchange.Request
    /// The answer to a request.
    typealias Reply = SimulatedHTTPExchange.Reply

    /// The outcome of one Web API method.
    enum APIResult {
        case ok(SimJSONObject)
        case error(String, extra: SimJSONObject = [:])
        case rateLimited(retryAfterSeconds: Int)
    }

    /// What kind of token a request carried.
    enum TokenKind {
        case missing, bot, app, revoked, invalid
    }

    /// Methods that need a bot token.
    static let botMethods: Set<String> = [
        "auth.test", "chat.postMessage", "chat.update", "chat.postEphemeral", "chat.getPermalink", "reactions.add",
        "reactions.remove", "conversations.info", "conversations.members", "conversations.history", "conversations.replies",
        "conversations.join", "conversations.open", "users.info", "usergroups.users.list", "views.open",
        "views.publish",
    ]

    /// Methods that need an app-level token.
    static let appMethods: Set<String> = ["apps.connections.open"]

    // MARK: Entry point

    /// Answers one HTTP request (called on the connection's event loop).
    func handle(_ request: Request) -> Reply {
        if request.path.hasPrefix("/api/") {
            return self.handleAPI(request, method: String(request.path.dropFirst("/api/".count)))
        }
        if request.path.hasPrefix("/response/") {
            return self.handleResponseURL(request, id: String(request.path.dropFirst("/response/".count)))
        }
        if request.path == "/link/" || request.path == "/link" {
            return self.handleLinkWithoutUpgrade(request)
        }
        return .text("not found\n", status: .notFound)
    }

    /// Consumes a Socket Mode ticket at upgrade; `false` if it is unknown or was used before.
    func consumeTicket(_ ticket: String) -> Bool {
        self.state.withLock { state in
            guard state.tickets[ticket] == .unused, !state.isShutDown else { return false }
            state.tickets[ticket] = .used
            return true
        }
    }

    private func handleLinkWithoutUpgrade(_ request: Request) -> Reply {
        let ticket = request.query["ticket"] ?? ""
        let known: TicketState? = self.state.withLock { $0.tickets[ticket] }
        switch known {
        case .used:
            return .text("ticket already used\n", status: .conflict)
        case .unused:
            return .text("expected a WebSocket upgrade\n", status: .badRequest)
        case nil:
            return .text("unknown ticket\n", status: .unauthorized)
        }
    }

    // MARK: Parsing

    /// A parsed request body.
    struct ParsedBody {
        var params: [String: String] = [:]
        var object: SimJSONObject?
        var error: String?
        var isJSON = false
        var missingCharset = false
    }

    /// Parses a JSON or form body (plus query parameters) into flat parameters.
    func parseBody(_ request: Request) -> ParsedBody {
        var parsed = ParsedBody()
        let contentType = request.headers.first(name: "content-type")?.lowercased() ?? ""
        if contentType.hasPrefix("application/json") {
            parsed.isJSON = true
            parsed.missingCharset = !contentType.contains("charset")
            if !request.body.isEmpty {
                do {
                    let value = try SimJSON.parse(request.body)
                    if let object = value.objectValue {
                        parsed.object = object
                        for (key, value) in object.members where value != .null {
                            parsed.params[key] = value.parameterString
                        }
                    } else {
                        parsed.error = "json_not_object"
                    }
                } catch {
                    parsed.error = "invalid_json"
                }
            }
        } else if !request.body.isEmpty {
            parsed.params = Request.decodeForm(request.body)
        }
        for (key, value) in request.query where parsed.params[key] == nil && key != "token" {
            parsed.params[key] = value
        }
        return parsed
    }

    /// The token from `Authorization: Bearer`, or from a form `token` field.
    func bearerToken(_ request: Request, form: [String: String], isJSON: Bool) -> String? {
        if let header = request.headers.first(name: "authorization") {
            let trimmed = header.trimmingCharacters(in: .whitespaces)
            if trimmed.lowercased().hasPrefix("bearer ") {
                let token = trimmed.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
                return token.isEmpty ? nil : token
            }
            return nil
        }
        if !isJSON, let token = form["token"], !token.isEmpty { return token }
        return nil
    }

    /// Which kind of token the request carried.
    func classify(_ token: String?, _ state: SimulatorState) -> TokenKind {
        guard let token, !token.isEmpty else { return .missing }
        if state.revokedTokens.contains(token) { return .revoked }
        if self.configuration.isBotToken(token) { return .bot }
        if self.configuration.isAppToken(token) { return .app }
        return .invalid
    }

    // MARK: Faults

    /// Consumes the first queued fault matching the method (and channel).
    func takeFault(_ state: inout SimulatorState, method: String, channel: String?) -> WebAPIFault? {
        guard
            let index = state.faults.firstIndex(where: { entry in
                entry.method == method && (entry.channel == nil || entry.channel == channel)
            })
        else { return nil }
        let fault = state.faults[index].fault
        state.faults[index].remaining -= 1
        if state.faults[index].remaining <= 0 { state.faults.remove(at: index) }
        return fault
    }

    /// The answer for faults that replace the normal answer; `nil` for the others.
    func faultReply(_ fault: WebAPIFault) -> Reply? {
        switch fault {
        case .rateLimited(let seconds):
            return .json(
                ["ok": .bool(false), "error": .string("ratelimited")],
                status: .tooManyRequests,
                headers: [("Retry-After", String(seconds))]
            )
        case .serverError(let status):
            let code = HTTPResponseStatus(statusCode: status)
            return .text(
                "<html><body><h1>\(status) \(code.reasonPhrase)</h1></body></html>\n",
                status: code,
                contentType: "text/html; charset=utf-8"
            )
        case .slackError(let code, let extra):
            var object: SimJSONObject = ["ok": .bool(false), "error": .string(code)]
            for key in extra.keys.sorted() { object[key] = .string(extra[key]!) }
            return .json(object)
        case .delay, .dropConnectionAfterReading, .hang:
            return nil
        }
    }

    // MARK: /api/<method>

    private func handleAPI(_ request: Request, method: String) -> Reply {
        let body = self.parseBody(request)
        let token = self.bearerToken(request, form: body.params, isJSON: body.isJSON)
        return self.mutate { state, effects in
            let fault = self.takeFault(&state, method: method, channel: body.params["channel"])
            var reply: Reply
            if let fault, let faultReply = self.faultReply(fault) {
                reply = faultReply
            } else if case .hang = fault {
                reply = .text("", status: .ok)
                reply.disposition = .hang
            } else {
                reply = self.execute(method: method, token: token, body: body, request: request, &state, &effects)
                switch fault {
                case .delay(let duration): reply.delay = duration
                case .dropConnectionAfterReading: reply.disposition = .dropConnection
                default: break
                }
            }
            self.record(request, method: method, token: token, params: body.params, fault: fault, reply: reply, &state)
            return reply
        }
    }

    private func record(
        _ request: Request,
        method: String,
        token: String?,
        params: [String: String],
        fault: WebAPIFault?,
        reply: Reply,
        _ state: inout SimulatorState
    ) {
        let answered = reply.disposition == .respond
        state.calls.append(
            RecordedCall(
                sequence: state.calls.count + 1,
                method: method,
                httpMethod: request.method,
                uri: request.uri,
                token: token,
                contentType: request.headers.first(name: "content-type"),
                body: request.body,
                params: params,
                httpConnection: request.httpConnection,
                receivedAt: request.receivedAt,
                fault: fault,
                responseStatus: answered ? Int(reply.status.code) : nil,
                responseBody: answered ? reply.body : nil
            )
        )
        state.callCounts[method, default: 0] += 1
    }

    private func execute(
        method: String,
        token: String?,
        body: ParsedBody,
        request: Request,
        _ state: inout SimulatorState,
        _ effects: inout SimulatorEffects
    ) -> Reply {
        var headers: [(String, String)] = [
            ("x-slack-req-id", self.ids.requestID()),
            ("access-control-expose-headers", "x-slack-req-id, retry-after"),
        ]
        func error(_ code: String, extra: SimJSONObject = [:]) -> Reply {
            var object: SimJSONObject = ["ok": .bool(false), "error": .string(code)]
            object.merge(extra)
            return .json(object, headers: headers)
        }
        guard Self.botMethods.contains(method) || Self.appMethods.contains(method) else {
            return error("unknown_method", extra: ["req_method": .string(method)])
        }
        if request.method != "POST", request.method != "GET" { return error("invalid_post_type") }
        let kind = self.classify(token, state)
        switch kind {
        case .missing: return error("not_authed")
        case .invalid: return error("invalid_auth")
        case .revoked: return error("token_revoked")
        case .bot:
            headers.append(("x-oauth-scopes", self.configuration.grantedScopes))
            if Self.appMethods.contains(method) { return error("not_allowed_token_type") }
        case .app:
            headers.append(("x-oauth-scopes", "connections:write"))
            if Self.botMethods.contains(method) { return error("not_allowed_token_type") }
        }
        if let parseError = body.error { return error(parseError) }

        let context = APIContext(params: body.params, object: body.object ?? [:], receivedAt: request.receivedAt)
        let result: APIResult
        switch method {
        case "auth.test": result = self.authTest()
        case "apps.connections.open": result = self.appsConnectionsOpen(&state)
        case "chat.postMessage": result = self.chatPostMessage(context, &state, &effects)
        case "chat.update": result = self.chatUpdate(context, &state, &effects)
        case "chat.postEphemeral": result = self.chatPostEphemeral(context, &state)
        case "chat.getPermalink": result = self.chatGetPermalink(context, state)
        case "reactions.add": result = self.reactionsAdd(context, &state)
        case "reactions.remove": result = self.reactionsRemove(context, &state)
        case "conversations.info": result = self.conversationsInfo(context, state)
        case "conversations.members": result = self.conversationsMembers(context, state)
        case "conversations.history": result = self.conversationsHistory(context, state)
        case "conversations.replies": result = self.conversationsReplies(context, state)
        case "conversations.join": result = self.conversationsJoin(context, &state)
        case "conversations.open": result = self.conversationsOpen(context, &state)
        case "usergroups.users.list": result = self.userGroupsUsersList(context)
        case "users.info": result = self.usersInfo(context, state)
        case "views.open": result = self.viewsOpen(context, &state)
        case "views.publish": result = self.viewsPublish(context, &state)
        default: result = .error("unknown_method")
        }
        switch result {
        case .ok(let fields):
            var object: SimJSONObject = ["ok": .bool(true)]
            object.merge(fields)
            if body.isJSON, body.missingCharset, object["warning"] == nil {
                object["warning"] = .string("missing_charset")
                object["response_metadata"] = .object(["warnings": .array([.string("missing_charset")])])
            }
            var reply = Reply.json(object, headers: headers)
            if method == "chat.postMessage", let delay = state.postMessageDelay { reply.delay = delay }
            return reply
        case .error(let code, let extra):
            return error(code, extra: extra)
        case .rateLimited(let seconds):
            return .json(
                ["ok": .bool(false), "error": .string("ratelimited")],
                status: .tooManyRequests,
                headers: headers + [("Retry-After", String(seconds))]
            )
        }
    }

    /// Arguments of one call.
    struct APIContext {
        var params: [String: String]
        var object: SimJSONObject
        var receivedAt: ContinuousClock.Instant

        /// A structured argument (blocks, attachments, view): the JSON member, or a JSON string form field.
        func structured(_ key: String) -> SimJSON? {
            if let value = self.object[key], value != .null {
                if case .string(let text) = value { return try? SimJSON.parse(text) }
                return value
            }
            if let text = self.params[key], !text.isEmpty { return try? SimJSON.parse(text) }
            return nil
        }

        /// A non-empty flat parameter.
        func nonEmpty(_ key: String) -> String? {
            guard let value = self.params[key], !value.isEmpty else { return nil }
            return value
        }
    }

    // MARK: Methods

    private func authTest() -> APIResult {
        .ok([
            "url": .string("https://\(self.configuration.teamDomain).slack.com/"),
            "team": .string(self.configuration.teamName),
            "user": .string(self.configuration.botUserName),
            "team_id": .string(self.configuration.teamID),
            "user_id": .string(self.configuration.botUserID),
            "bot_id": .string(self.configuration.botID),
            "is_enterprise_install": .bool(false),
        ])
    }

    private func appsConnectionsOpen(_ state: inout SimulatorState) -> APIResult {
        let ticket = self.ids.ticket()
        state.tickets[ticket] = .unused
        let url = "\(state.webSocketBase)/link/?ticket=\(ticket)&app_id=\(self.configuration.appID)"
        return .ok(["url": .string(url)])
    }

    /// Resolves a writable conversation, applying the membership rules.
    private func writableChannel(_ argument: String?, _ state: SimulatorState) -> Result<String, APIError> {
        guard let argument, !argument.isEmpty, let id = state.workspace.resolve(argument),
            let conversation = state.workspace.conversation(id)
        else { return .failure(APIError("channel_not_found")) }
        if !conversation.info.botIsMember {
            return .failure(APIError(conversation.info.isPrivate ? "channel_not_found" : "not_in_channel"))
        }
        if conversation.info.isArchived { return .failure(APIError("is_archived")) }
        return .success(id)
    }

    /// Resolves a readable conversation (history, replies): same membership rules, archived is fine.
    private func readableChannel(_ argument: String?, _ state: SimulatorState) -> Result<String, APIError> {
        guard let argument, !argument.isEmpty, let id = state.workspace.resolve(argument),
            let conversation = state.workspace.conversation(id)
        else { return .failure(APIError("channel_not_found")) }
        if !conversation.info.botIsMember {
            return .failure(APIError(conversation.info.isPrivate ? "channel_not_found" : "not_in_channel"))
        }
        return .success(id)
    }

    /// A Slack error code raised while resolving arguments.
    struct APIError: Error {
        var code: String
        /// Wraps an error code.
        init(_ code: String) { self.code = code }
    }

    /// The message fields shared by every bot post.
    private func botMessageObject(ts: String, context: APIContext) -> SimJSONObject {
        var message: SimJSONObject = [
            "user": .string(self.configuration.botUserID),
            "type": .string("message"),
            "ts": .string(ts),
            "bot_id": .string(self.configuration.botID),
            "app_id": .string(self.configuration.appID),
            "text": .string(context.params["text"] ?? ""),
            "team": .string(self.configuration.teamID),
        ]
        message["bot_profile"] = .object([
            "id": .string(self.configuration.botID),
            "app_id": .string(self.configuration.appID),
            "name": .string(self.configuration.botUserName),
            "deleted": .bool(false),
            "team_id": .string(self.configuration.teamID),
        ])
        if let blocks = context.structured("blocks") { message["blocks"] = blocks }
        if let attachments = context.structured("attachments") { message["attachments"] = attachments }
        if let threadTS = context.nonEmpty("thread_ts") {
            message["thread_ts"] = .string(threadTS)
            message["parent_user_id"] = .string(self.configuration.botUserID)
        }
        if let metadata = context.structured("metadata") { message["metadata"] = metadata }
        return message
    }

    private func hasContent(_ context: APIContext) -> Bool {
        context.nonEmpty("text") != nil || context.structured("blocks") != nil
            || context.structured("attachments") != nil || context.nonEmpty("markdown_text") != nil
    }

    private func takePostToken(channel: String, at now: ContinuousClock.Instant, _ state: inout SimulatorState) -> Int?
    {
        guard let rule = state.channelPostRateLimit else { return nil }
        let interval = Double(rule.interval.components.seconds) + Double(rule.interval.components.attoseconds) / 1e18
        var bucket = state.rateBuckets[channel] ?? TokenBucket(tokens: Double(rule.burst), updatedAt: now)
        if now > bucket.updatedAt {
            let elapsed = now - bucket.updatedAt
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(Double(rule.burst), bucket.tokens + seconds / max(interval, 1e-9))
            bucket.updatedAt = now
        }
        if bucket.tokens >= 1 - 1e-9 {
            bucket.tokens -= 1
            state.rateBuckets[channel] = bucket
            return nil
        }
        state.rateBuckets[channel] = bucket
        let wait = (1 - bucket.tokens) * interval
        return max(1, Int(wait.rounded(.up)))
    }

    private func chatPostMessage(
        _ context: APIContext,
        _ state: inout SimulatorState,
        _ effects: inout SimulatorEffects
    ) -> APIResult {
        var argument = context.params["channel"]
        if let user = argument, state.workspace.isUser(user) {
            // A user id posts into the app's DM with that person (opened if needed), as on Slack.
            guard let direct = state.workspace.openDirectMessage(with: user) else { return .error("cannot_dm_bot") }
            argument = direct
        }
        let channel: String
        switch self.writableChannel(argument, state) {
        case .success(let id): channel = id
        case .failure(let error): return .error(error.code)
        }
        guard self.hasContent(context) else { return .error("no_text") }
        if let retryAfter = self.takePostToken(channel: channel, at: context.receivedAt, &state) {
            return .rateLimited(retryAfterSeconds: retryAfter)
        }
        let (ts, key) = state.workspace.nextTimestamp()
        let message = self.botMessageObject(ts: ts, context: context)
        state.workspace.store(channel: channel, ts: ts, key: key, object: message)
        if self.configuration.echoBotPostsAsEvents {
            self.sendMessageEvent(&state, &effects, channel: channel, message: message)
        }
        return .ok(["channel": .string(channel), "ts": .string(ts), "message": .object(message)])
    }

    private func chatUpdate(
        _ context: APIContext,
        _ state: inout SimulatorState,
        _ effects: inout SimulatorEffects
    ) -> APIResult {
        let channel: String
        switch self.writableChannel(context.params["channel"], state) {
        case .success(let id): channel = id
        case .failure(let error): return .error(error.code)
        }
        guard let ts = context.nonEmpty("ts"), let existing = state.workspace.message(channel: channel, ts: ts) else {
            return .error("message_not_found")
        }
        guard
            existing.object.string("bot_id") == self.configuration.botID
                || existing.object.string("user") == self.configuration.botUserID
        else { return .error("cant_update_message") }
        guard self.hasContent(context) else { return .error("no_text") }
        if let text = context.params["text"], text.count > 4000 { return .error("msg_too_long") }
        let (editTS, _) = state.workspace.nextTimestamp()
        var updated = existing.object
        if let text = context.params["text"] { updated["text"] = .string(text) }
        if let blocks = context.structured("blocks") { updated["blocks"] = blocks }
        if let attachments = context.structured("attachments") { updated["attachments"] = attachments }
        updated["edited"] = .object(["user": .string(self.configuration.botUserID), "ts": .string(editTS)])
        _ = state.workspace.updateMessage(channel: channel, ts: ts) { $0.object = updated }
        if self.configuration.echoBotPostsAsEvents {
            self.sendChangedEvent(&state, &effects, channel: channel, previous: existing.object, current: updated)
        }
        return .ok([
            "channel": .string(channel),
            "ts": .string(ts),
            "text": .string(updated.string("text") ?? ""),
            "message": .object(updated),
        ])
    }

    private func chatPostEphemeral(_ context: APIContext, _ state: inout SimulatorState) -> APIResult {
        let channel: String
        switch self.writableChannel(context.params["channel"], state) {
        case .success(let id): channel = id
        case .failure(let error): return .error(error.code)
        }
        guard let user = context.nonEmpty("user"), state.workspace.users[user] != nil else {
            return .error("user_not_in_channel")
        }
        guard self.hasContent(context) else { return .error("no_text") }
        let (ts, key) = state.workspace.nextTimestamp()
        let message = self.botMessageObject(ts: ts, context: context)
        state.workspace.storeEphemeral(channel: channel, ts: ts, key: key, object: message, user: user)
        return .ok(["message_ts": .string(ts)])
    }

    private func chatGetPermalink(_ context: APIContext, _ state: SimulatorState) -> APIResult {
        guard let argument = context.nonEmpty("channel"), let channel = state.workspace.resolve(argument) else {
            return .error("channel_not_found")
        }
        guard let ts = context.nonEmpty("message_ts"), let message = state.workspace.message(channel: channel, ts: ts)
        else {
            return .error("message_not_found")
        }
        var link =
            "https://\(self.configuration.teamDomain).slack.com/archives/\(channel)/p"
            + ts.replacingOccurrences(of: ".", with: "")
        if let threadTS = message.threadTS { link += "?thread_ts=\(threadTS)&cid=\(channel)" }
        return .ok(["channel": .string(channel), "permalink": .string(link)])
    }

    private func reactionTarget(
        _ context: APIContext,
        _ state: SimulatorState
    ) -> Result<(String, String, String), APIError> {
        guard let argument = context.nonEmpty("channel"), let channel = state.workspace.resolve(argument),
            let conversation = state.workspace.conversation(channel)
        else { return .failure(APIError("channel_not_found")) }
        if !conversation.info.botIsMember, conversation.info.isPrivate {
            return .failure(APIError("channel_not_found"))
        }
        guard let ts = context.nonEmpty("timestamp") else { return .failure(APIError("no_item_specified")) }
        guard state.workspace.message(channel: channel, ts: ts) != nil else {
            return .failure(APIError("message_not_found"))
        }
        guard var name = context.nonEmpty("name") else { return .failure(APIError("invalid_name")) }
        name = name.trimmingCharacters(in: CharacterSet(charactersIn: ":"))
        guard !name.isEmpty else { return .failure(APIError("invalid_name")) }
        return .success((channel, ts, name))
    }

    private func reactionsAdd(_ context: APIContext, _ state: inout SimulatorState) -> APIResult {
        self.changeReaction(context, &state, failure: "already_reacted") { reactions, name, bot in
            guard let index = reactions.firstIndex(where: { $0.name == name }) else {
                reactions.append((name, [bot]))
                return true
            }
            guard !reactions[index].users.contains(bot) else { return false }
            reactions[index].users.append(bot)
            return true
        }
    }

    private func reactionsRemove(_ context: APIContext, _ state: inout SimulatorState) -> APIResult {
        self.changeReaction(context, &state, failure: "no_reaction") { reactions, name, bot in
            guard let index = reactions.firstIndex(where: { $0.name == name }),
                let userIndex = reactions[index].users.firstIndex(of: bot)
            else { return false }
            reactions[index].users.remove(at: userIndex)
            if reactions[index].users.isEmpty { reactions.remove(at: index) }
            return true
        }
    }

    /// Applies `change` (given the message's reactions, the reaction's name and the bot's user id) to the message a
    /// `reactions.*` call names: `ok` when it changed something, `failure` when not, and the call's own error when it
    /// names no message.
    private func changeReaction(
        _ context: APIContext,
        _ state: inout SimulatorState,
        failure: String,
        _ change: (inout [(name: String, users: [String])], String, String) -> Bool
    ) -> APIResult {
        let channel: String, ts: String, name: String
        switch self.reactionTarget(context, state) {
        case .success(let target): (channel, ts, name) = target
        case .failure(let error): return .error(error.code)
        }
        let bot = self.configuration.botUserID
        var changed = false
        _ = state.workspace.updateMessage(channel: channel, ts: ts) { message in
            changed = change(&message.reactions, name, bot)
        }
        return changed ? .ok([:]) : .error(failure)
    }

    private func conversationsInfo(_ context: APIContext, _ state: SimulatorState) -> APIResult {
        guard let argument = context.nonEmpty("channel"), let channel = state.workspace.resolve(argument),
            let conversation = state.workspace.conversation(channel),
            conversation.info.botIsMember || !conversation.info.isPrivate,
            let object = state.workspace.channelObject(channel)
        else { return .error("channel_not_found") }
        return .ok(["channel": .object(object)])
    }

    /// `conversations.members`: the channel's people plus the bot when it is a member, paged like Slack
    /// (`limit`, `cursor`); private channels the bot is not in are `channel_not_found`.
    private func conversationsMembers(_ context: APIContext, _ state: SimulatorState) -> APIResult {
        guard let argument = context.nonEmpty("channel"), let channel = state.workspace.resolve(argument),
            let conversation = state.workspace.conversation(channel),
            conversation.info.botIsMember || !conversation.info.isPrivate
        else { return .error("channel_not_found") }
        guard let (offset, limit) = self.paging(context) else { return .error("invalid_cursor") }
        var everyone = conversation.info.members
        if conversation.info.botIsMember { everyone.append(self.configuration.botUserID) }
        let page = Array(everyone.dropFirst(offset).prefix(limit))
        let next = offset + page.count < everyone.count ? "sim-offset:\(offset + page.count)" : ""
        return .ok([
            "members": .array(page.map { .string($0) }),
            "response_metadata": .object(["next_cursor": .string(next)]),
        ])
    }

    /// Parses paging arguments: (offset, limit). `cap` is the simulator's own page size limit (Slack may hand out
    /// fewer messages than asked for even when more follow).
    private func paging(_ context: APIContext, defaultLimit: Int = 100, cap: Int? = nil) -> (Int, Int)? {
        var limit = defaultLimit
        if let text = context.nonEmpty("limit") {
            guard let value = Int(text), value >= 0 else { return nil }
            limit = value == 0 ? defaultLimit : min(value, 999)
        }
        if let cap { limit = min(limit, max(1, cap)) }
        var offset = 0
        if let cursor = context.nonEmpty("cursor") {
            guard cursor.hasPrefix("sim-offset:"), let value = Int(cursor.dropFirst("sim-offset:".count)), value >= 0
            else { return nil }
            offset = value
        }
        return (offset, limit)
    }

    private func timeWindow(_ context: APIContext) -> ((SimulatedWorkspace.TimestampKey) -> Bool)? {
        let inclusive = context.params["inclusive"] == "true" || context.params["inclusive"] == "1"
        var oldest: SimulatedWorkspace.TimestampKey?
        var latest: SimulatedWorkspace.TimestampKey?
        if let text = context.nonEmpty("oldest") {
            guard let key = SimulatedWorkspace.TimestampKey(text) else { return nil }
            oldest = key
        }
        if let text = context.nonEmpty("latest") {
            guard let key = SimulatedWorkspace.TimestampKey(text) else { return nil }
            latest = key
        }
        return { key in
            if let oldest, inclusive ? key < oldest : key <= oldest { return false }
            if let latest, inclusive ? key > latest : key >= latest { return false }
            return true
        }
    }

    /// Whether the call asked for message metadata (`include_all_metadata`); Slack leaves it out otherwise.
    private static func includesAllMetadata(_ context: APIContext) -> Bool {
        context.params["include_all_metadata"] == "true" || context.params["include_all_metadata"] == "1"
    }

    /// The message as returned: its `metadata` only when it was asked for.
    private static func withMetadata(_ message: SimJSONObject, _ include: Bool) -> SimJSONObject {
        guard !include, message["metadata"] != nil else { return message }
        var message = message
        message["metadata"] = nil
        return message
    }

    private func page(_ items: [SimJSON], offset: Int, limit: Int) -> SimJSONObject {
        let start = min(offset, items.count)
        let end = min(start + limit, items.count)
        let hasMore = end < items.count
        return [
            "messages": .array(Array(items[start..<end])),
            "has_more": .bool(hasMore),
            "response_metadata": .object(["next_cursor": .string(hasMore ? "sim-offset:\(end)" : "")]),
        ]
    }

    private func conversationsHistory(_ context: APIContext, _ state: SimulatorState) -> APIResult {
        let channel: String
        switch self.readableChannel(context.params["channel"], state) {
        case .success(let id): channel = id
        case .failure(let error): return .error(error.code)
        }
        guard let (offset, limit) = self.paging(context, cap: state.maximumPageSize) else {
            return .error("invalid_cursor")
        }
        guard let window = self.timeWindow(context) else { return .error("invalid_ts_latest") }
        let conversation = state.workspace.conversation(channel)!
        let topLevel = conversation.messages.reversed().filter { message in
            (message.threadTS == nil || message.object.string("subtype") == "thread_broadcast") && window(message.key)
        }
        let metadata = Self.includesAllMetadata(context)
        let items = topLevel.map {
            SimJSON.object(Self.withMetadata(state.workspace.historyObject(channel: channel, message: $0), metadata))
        }
        var result = self.page(items, offset: offset, limit: limit)
        result["pin_count"] = .int(0)
        return .ok(result)
    }

    private func conversationsReplies(_ context: APIContext, _ state: SimulatorState) -> APIResult {
        let channel: String
        switch self.readableChannel(context.params["channel"], state) {
        case .success(let id): channel = id
        case .failure(let error): return .error(error.code)
        }
        guard let ts = context.nonEmpty("ts"), let parent = state.workspace.message(channel: channel, ts: ts) else {
            return .error("thread_not_found")
        }
        guard let (offset, limit) = self.paging(context, defaultLimit: 1000, cap: state.maximumPageSize) else {
            return .error("invalid_cursor")
        }
        guard let window = self.timeWindow(context) else { return .error("invalid_ts_latest") }
        let parentTS = parent.threadTS ?? parent.ts
        guard let root = state.workspace.message(channel: channel, ts: parentTS) else {
            return .error("thread_not_found")
        }
        let metadata = Self.includesAllMetadata(context)
        var items: [SimJSON] = []
        if window(root.key) {
            items.append(.object(Self.withMetadata(state.workspace.historyObject(channel: channel, message: root), metadata)))
        }
        for reply in state.workspace.replies(channel: channel, parentTS: parentTS) where window(reply.key) {
            items.append(.object(Self.withMetadata(reply.rendered(), metadata)))
        }
        return .ok(self.page(items, offset: offset, limit: limit))
    }

    private func conversationsJoin(_ context: APIContext, _ state: inout SimulatorState) -> APIResult {
        guard let argument = context.nonEmpty("channel"), let channel = state.workspace.resolve(argument),
            let conversation = state.workspace.conversation(channel)
        else { return .error("channel_not_found") }
        if conversation.info.isPrivate || conversation.info.isIM {
            return .error(conversation.info.botIsMember ? "method_not_supported_for_channel_type" : "channel_not_found")
        }
        if conversation.info.isArchived { return .error("is_archived") }
        var result: SimJSONObject = [:]
        if conversation.info.botIsMember {
            result["warning"] = .string("already_in_channel")
            result["response_metadata"] = .object(["warnings": .array([.string("already_in_channel")])])
        } else {
            _ = state.workspace.setMembership(channel: channel, isMember: true)
        }
        result["channel"] = .object(state.workspace.channelObject(channel)!)
        return .ok(result)
    }

    /// `conversations.open` with `users` (one person; group DMs are not simulated) or `channel` (an existing DM).
    private func conversationsOpen(_ context: APIContext, _ state: inout SimulatorState) -> APIResult {
        let id: String
        var alreadyOpen = false
        if let users = context.nonEmpty("users") {
            let people = users.split(separator: ",").map(String.init)
            guard people.count == 1 else { return .error("not_supported") }
            guard state.workspace.isUser(people[0]) else { return .error("user_not_found") }
            alreadyOpen = state.workspace.directMessage(with: people[0]) != nil
            guard let opened = state.workspace.openDirectMessage(with: people[0]) else { return .error("cannot_dm_bot") }
            id = opened
        } else if let channel = context.nonEmpty("channel") {
            guard state.workspace.conversation(channel)?.info.isIM == true else { return .error("channel_not_found") }
            alreadyOpen = true
            id = channel
        } else {
            return .error("users_list_not_supplied")
        }
        var result: SimJSONObject = ["channel": .object(["id": .string(id)])]
        if alreadyOpen {
            result["no_op"] = .bool(true)
            result["already_open"] = .bool(true)
        }
        return .ok(result)
    }

    /// `usergroups.users.list`: the members of a configured user group.
    private func userGroupsUsersList(_ context: APIContext) -> APIResult {
        guard let group = context.nonEmpty("usergroup"), let members = self.configuration.userGroups[group] else {
            return .error("no_such_subteam")
        }
        return .ok(["users": .array(members.map { .string($0) })])
    }

    private func usersInfo(_ context: APIContext, _ state: SimulatorState) -> APIResult {
        guard let user = context.nonEmpty("user"),
            let object = state.workspace.userObject(user, teamID: self.configuration.teamID)
        else { return .error("user_not_found") }
        return .ok(["user": .object(object)])
    }

    private func viewObject(_ view: SimJSONObject, _ state: inout SimulatorState) -> SimJSONObject {
        var object: SimJSONObject = ["id": .string(self.ids.viewID()), "team_id": .string(self.configuration.teamID)]
        object.merge(view)
        object["state"] = .object(["values": .object([:])])
        object["hash"] = .string("sim.\(state.viewCount)")
        object["app_id"] = .string(self.configuration.appID)
        object["bot_id"] = .string(self.configuration.botID)
        state.viewCount += 1
        return object
    }

    private func viewsOpen(_ context: APIContext, _ state: inout SimulatorState) -> APIResult {
        guard let trigger = context.nonEmpty("trigger_id") else { return .error("invalid_trigger_id") }
        guard let view = context.structured("view")?.objectValue else { return .error("invalid_arguments") }
        guard let issued = state.triggers[trigger] else { return .error("invalid_trigger_id") }
        if issued.used { return .error("exchanged_trigger_id") }
        if context.receivedAt - issued.issuedAt > self.configuration.triggerIDLifetime {
            return .error("expired_trigger_id")
        }
        state.triggers[trigger]!.used = true
        return .ok(["view": .object(self.viewObject(view, &state))])
    }

    private func viewsPublish(_ context: APIContext, _ state: inout SimulatorState) -> APIResult {
        guard let user = context.nonEmpty("user_id"), state.workspace.users[user] != nil else {
            return .error("user_not_found")
        }
        guard let view = context.structured("view")?.objectValue else { return .error("invalid_arguments") }
        return .ok(["view": .object(self.viewObject(view, &state))])
    }

    // MARK: /response/<id>

    private func handleResponseURL(_ request: Request, id: String) -> Reply {
        let body = self.parseBody(request)
        return self.mutate { state, _ in
            let fault = self.takeFault(&state, method: "response_url", channel: nil)
            var reply: Reply
            if let fault, let faultReply = self.faultReply(fault) {
                reply = faultReply
            } else if case .hang = fault {
                reply = .text("", status: .ok)
                reply.disposition = .hang
            } else {
                reply = self.answerResponseURL(id: id, body: body, &state)
                switch fault {
                case .delay(let duration): reply.delay = duration
                case .dropConnectionAfterReading: reply.disposition = .dropConnection
                default: break
                }
            }
            self.record(
                request,
                method: "response_url",
                token: nil,
                params: body.params,
                fault: fault,
                reply: reply,
                &state
            )
            return reply
        }
    }

    private func answerResponseURL(id: String, body: ParsedBody, _ state: inout SimulatorState) -> Reply {
        guard var target = state.responseURLs[id] else {
            return .json(["ok": .bool(false), "error": .string("expired_url")], status: .notFound)
        }
        target.uses += 1
        state.responseURLs[id] = target
        guard target.uses <= 5 else { return .json(["ok": .bool(false), "error": .string("used_url")]) }
        if let error = body.error { return .json(["ok": .bool(false), "error": .string(error)], status: .badRequest) }
        let context = APIContext(params: body.params, object: body.object ?? [:], receivedAt: .now)
        guard self.hasContent(context) || context.params["delete_original"] == "true" else {
            return .json(["ok": .bool(false), "error": .string("no_text")])
        }
        if context.params["delete_original"] != "true", context.params["replace_original"] != "true" {
            let (ts, key) = state.workspace.nextTimestamp()
            let message = self.botMessageObject(ts: ts, context: context)
            if context.params["response_type"] == "in_channel" {
                state.workspace.store(channel: target.channel, ts: ts, key: key, object: message)
            } else {
                state.workspace.storeEphemeral(
                    channel: target.channel,
                    ts: ts,
                    key: key,
                    object: message,
                    user: target.user
                )
            }
        }
        return .json(["ok": .bool(true)])
    }

    // MARK: Events about messages

    /// Sends a `message` event for a stored message (if the bot is a member of the channel).
    func sendMessageEvent(
        _ state: inout SimulatorState,
        _ effects: inout SimulatorEffects,
        channel: String,
        message: SimJSONObject
    ) {
        guard let conversation = state.workspace.conversation(channel), conversation.info.botIsMember else { return }
        var event = message
        event["type"] = .string("message")
        event["channel"] = .string(channel)
        event["event_ts"] = message["ts"]
        event["channel_type"] = .string(conversation.info.channelType)
        self.dispatchFreshEvent(&state, &effects, eventJSON: event.text)
    }

    /// Sends a `message_changed` event; returns the envelope id, or `nil` if the bot is not a member.
    @discardableResult
    func sendChangedEvent(
        _ state: inout SimulatorState,
        _ effects: inout SimulatorEffects,
        channel: String,
        previous: SimJSONObject,
        current: SimJSONObject
    ) -> String? {
        guard let conversation = state.workspace.conversation(channel), conversation.info.botIsMember else {
            return nil
        }
        let (eventTS, _) = state.workspace.nextTimestamp()
        var event: SimJSONObject = [
            "type": .string("message"),
            "subtype": .string("message_changed"),
            "message": .object(current),
            "previous_message": .object(previous),
            "channel": .string(channel),
            "hidden": .bool(true),
            "ts": .string(eventTS),
            "event_ts": .string(eventTS),
        ]
        event["channel_type"] = .string(conversation.info.channelType)
        return self.dispatchFreshEvent(&state, &effects, eventJSON: event.text)
    }
}
