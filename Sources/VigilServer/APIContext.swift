public import Hummingbird
public import VigilStore

/// What a request carries through the API: the client's address and, once authenticated, the user.
public struct APIContext: RequestContext {
    /// Hummingbird's own per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The client's address and port, recorded in the audit log.
    public var remote: String
    /// The client's IP address alone, which sign-in attempts are counted by.
    public var clientAddress: String
    /// The authenticated user.
    public var user: UserRecord?
    /// The dashboard session the request came with, if any.
    public var session: WebSession?

    /// Creates the context of a new request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remote = source.channel.remoteAddress?.description ?? "unknown"
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
        user = nil
        session = nil
    }

    /// Request bodies larger than this are refused with 413 (`POST /referrals` batches are streamed, with no limit).
    public var maxUploadSize: Int { VigilAPI.maxBodyBytes }
}
