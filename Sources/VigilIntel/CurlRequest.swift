/// An HTTP request the CurlEngine can send.
public struct CurlRequest: Sendable, Hashable {
    /// `http://` or `https://` URL; any other scheme is refused.
    public var url: String
    /// `GET` or `POST`.
    public var method: String
    /// Header lines, e.g. `Content-Type: application/json`.
    public var headers: [String]
    /// The body to send with POST.
    public var body: [UInt8]
    /// A file sent as the POST body instead of `body`, read as libcurl sends it, so a body of any size is
    /// never held in memory.
    public var bodyFile: String?
    /// Time allowed to connect, milliseconds.
    public var connectTimeoutMs: Int
    /// Time allowed for the whole transfer, milliseconds; 0 for no limit.
    public var timeoutMs: Int
    /// Time the transfer may go without moving a byte either way before it is abandoned, milliseconds
    /// (rounded up to whole seconds); 0 for no limit.
    public var stallTimeoutMs: Int
    /// Largest response body accepted, bytes.
    public var maxResponseBytes: Int
    /// A file the response body is written to (created, or emptied) instead of being held in memory; the
    /// response's `body` is then empty.
    public var responseFile: String?
    /// The proxy to send the request through; empty sends it directly and ignores the environment's
    /// `http_proxy`, `https_proxy` and `all_proxy`.
    public var proxy: String

    /// Creates a request.
    public init(
        url: String, method: String = "GET", headers: [String] = [], body: [UInt8] = [], bodyFile: String? = nil,
        connectTimeoutMs: Int = 2000, timeoutMs: Int = 5000, stallTimeoutMs: Int = 0, maxResponseBytes: Int = 1 << 20,
        responseFile: String? = nil, proxy: String = ""
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.bodyFile = bodyFile
        self.connectTimeoutMs = connectTimeoutMs
        self.timeoutMs = timeoutMs
        self.stallTimeoutMs = stallTimeoutMs
        self.maxResponseBytes = maxResponseBytes
        self.responseFile = responseFile
        self.proxy = proxy
    }

    /// A JSON POST.
    public static func postJSON(url: String, body: [UInt8], connectTimeoutMs: Int, timeoutMs: Int, proxy: String = "") -> CurlRequest {
        CurlRequest(
            url: url, method: "POST", headers: ["Content-Type: application/json", "Accept: application/json"],
            body: body, connectTimeoutMs: connectTimeoutMs, timeoutMs: timeoutMs, proxy: proxy)
    }
}

/// A response: status, content type and body.
public struct CurlResponse: Sendable, Hashable {
    /// HTTP status code.
    public var status: Int
    /// The `Content-Type` header's value, nil when the answer had none.
    public var contentType: String?
    /// Response body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, contentType: String? = nil, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// Why a transfer produced no response. A struct with an extensible code.
public struct TransferError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's name.
        public let name: String
        /// Creates a code.
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The connect or total timeout passed.
        public static let timeout = Code("timeout")
        /// The response was larger than allowed.
        public static let tooLarge = Code("tooLarge")
        /// The URL's scheme is not http or https.
        public static let unsupportedProtocol = Code("unsupportedProtocol")
        /// The caller's task was cancelled.
        public static let cancelled = Code("cancelled")
        /// The engine is shutting down.
        public static let shutdown = Code("shutdown")
        /// Any other network or protocol failure (refused, reset, TLS, malformed HTTP …).
        public static let transport = Code("transport")
    }

    /// The kind of failure.
    public var code: Code
    /// libcurl's words, or ours.
    public var message: String
    /// False when the request never reached libcurl (cancelled before it started, or refused by an engine
    /// shutting down): the source cannot have seen it.
    public var requestSent: Bool

    /// Creates an error.
    public init(_ code: Code, _ message: String, requestSent: Bool = true) {
        self.code = code
        self.message = message
        self.requestSent = requestSent
    }

    public var description: String { "\(code): \(message)" }
}
