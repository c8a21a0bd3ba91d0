/// What a source needs before its check can run.
public enum CheckNeed: String, Sendable, Codable, CaseIterable {
    /// An IP address with its timestamp.
    case ip
    /// A resolved postal address.
    case address
    /// An identified person.
    case person
    /// Emails, phones or user names.
    case identifiers
}

/// One configured intelligence source (an entry of `Samples/intel-sources.json`).
public struct IntelSourceSpec: Sendable, Hashable, Codable {
    /// The source's name, e.g. `social-care`.
    public var name: String
    /// Where to POST the query.
    public var url: String
    /// What the check needs.
    public var needs: CheckNeed
    /// Facts and other members (`address`, `persons`, `children`, `occupation`) it can yield.
    public var yields: [String]
    /// Whole-request timeout, milliseconds.
    public var timeoutMs: Int
    /// Connect timeout, milliseconds.
    public var connectTimeoutMs: Int
    /// Attempts, retried with backoff, before the check moves to slow retries.
    public var maxAttempts: Int
    /// Further attempts, `slowRetryMs` apart, before the check is `failed`: a source that is down for an
    /// afternoon is asked again, so its cases finish research rather than stay incomplete.
    public var slowRetries: Int
    /// Time between slow retries, milliseconds.
    public var slowRetryMs: Int
    /// First retry delay, milliseconds; doubles each attempt.
    public var backoffBaseMs: Int
    /// Longest retry delay, milliseconds.
    public var backoffMaxMs: Int
    /// The proxy to reach the source through (`http://host:port`); nil reaches it directly, whatever
    /// `http_proxy` or `https_proxy` the environment sets, so queries never leave by a route nobody chose.
    public var proxy: String?
    /// How much of one answer is accepted.
    public var limits: AnswerLimits

    /// Creates a source.
    public init(
        name: String, url: String, needs: CheckNeed, yields: [String], timeoutMs: Int = 5000,
        connectTimeoutMs: Int = 2000, maxAttempts: Int = 4, backoffBaseMs: Int = 500, backoffMaxMs: Int = 30000,
        slowRetries: Int = 0, slowRetryMs: Int = 3_600_000, proxy: String? = nil, limits: AnswerLimits = .standard
    ) {
        self.name = name
        self.url = url
        self.needs = needs
        self.yields = yields
        self.timeoutMs = timeoutMs
        self.connectTimeoutMs = connectTimeoutMs
        self.maxAttempts = maxAttempts
        self.backoffBaseMs = backoffBaseMs
        self.backoffMaxMs = backoffMaxMs
        self.slowRetries = slowRetries
        self.slowRetryMs = slowRetryMs
        self.proxy = proxy
        self.limits = limits
    }

    /// Every attempt a check of this source may make: the quick ones and the slow retries.
    public var totalAttempts: Int { maxAttempts + slowRetries }

    /// Slow retries of the built-in set and of a configuration file that does not say: hourly for a day.
    public static let standardSlowRetries = 24

    /// The facts among `yields`.
    public var yieldedFacts: [FactKind] { yields.compactMap(FactKind.init(name:)) }
}

extension IntelSourceSpec {
    /// The default source set of FORMATS.md §4, every source at `baseURL/<name>`
    /// (`Samples/intel-sources.json` holds the same set for the local stub).
    public static func defaults(baseURL: String) -> [IntelSourceSpec] {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let table: [(String, CheckNeed, [String])] = [
            ("subscriber", .ip, ["address", "persons"]),
            ("occupants", .address, ["persons"]),
            ("social-care", .address, ["childAccessHousehold", "children"]),
            ("local-records", .address, ["otherRiskFactors", "childAccessOther"]),
            ("pnc", .person, ["sexualOffenceHistory", "otherRiskFactors"]),
            ("visor", .person, ["sexualOffenceHistory"]),
            ("employment", .person, ["childAccessOccupation", "occupation"]),
            ("pnd", .identifiers, ["sexualOffenceHistory"]),
        ]
        return table.map {
            IntelSourceSpec(name: $0.0, url: "\(base)/\($0.0)", needs: $0.1, yields: $0.2, slowRetries: standardSlowRetries)
        }
    }

    /// The same sources with every URL moved to `baseURL/<name>` (`--intel-base-url`).
    public static func rebased(_ sources: [IntelSourceSpec], to baseURL: String) -> [IntelSourceSpec] {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        return sources.map { source in
            var moved = source
            moved.url = "\(base)/\(source.name)"
            return moved
        }
    }
}
