import CCurl

/// The response body of one transfer as it arrives, with its size cap.
final class ResponseBuffer {
    var bytes: [UInt8] = []
    let limit: Int
    var overflowed = false

    init(limit: Int) { self.limit = limit }
}

/// libcurl's write callback: appends to the transfer's buffer, refusing data past the cap (which makes
/// libcurl end the transfer with CURLE_WRITE_ERROR).
private let appendResponseBytes: vigil_curl_write_callback = { data, size, count, userdata in
    guard let userdata else { return 0 }
    let buffer = Unmanaged<ResponseBuffer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard buffer.bytes.count + length <= buffer.limit else {
        buffer.overflowed = true
        return 0
    }
    if let data, length > 0 {
        buffer.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
    }
    return length
}

/// One easy handle with everything it points at; lives on the curl thread only.
final class CurlTransfer {
    let easy: UnsafeMutableRawPointer
    private let buffer: ResponseBuffer
    private var headers: UnsafeMutablePointer<curl_slist>?

    private init(easy: UnsafeMutableRawPointer, buffer: ResponseBuffer) {
        self.easy = easy
        self.buffer = buffer
    }

    /// Configures an easy handle for the request.
    static func make(_ request: CurlRequest) -> Result<CurlTransfer, TransferError> {
        let scheme = request.url.prefix { $0 != ":" }.lowercased()
        guard scheme == "http" || scheme == "https" else {
            return .failure(TransferError(.unsupportedProtocol, "only http and https are allowed, not \(scheme)"))
        }
        guard let easy = curl_easy_init() else { return .failure(TransferError(.transport, "curl_easy_init failed")) }
        let transfer = CurlTransfer(easy: easy, buffer: ResponseBuffer(limit: request.maxResponseBytes))
        var codes: [CURLcode] = []
        codes.append(request.url.withCString { vigil_easy_setopt_string(easy, CURLOPT_URL, $0) })
        // Checked above already; libcurl enforces it too, for redirects and anything the check missed.
        codes.append("http,https".withCString { vigil_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, $0) })
        codes.append(vigil_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        // An explicit proxy, or "" for none: libcurl otherwise takes one from the environment.
        codes.append(request.proxy.withCString { vigil_easy_setopt_string(easy, CURLOPT_PROXY, $0) })
        codes.append(vigil_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1))
        codes.append(vigil_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2))
        codes.append(vigil_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeoutMs))
        codes.append(vigil_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, request.timeoutMs))
        codes.append(vigil_easy_setopt_off_t(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maxResponseBytes)))
        codes.append(vigil_easy_setopt_write_callback(easy, appendResponseBytes))
        codes.append(vigil_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, Unmanaged.passUnretained(transfer.buffer).toOpaque()))
        // libcurl sends `Expect: 100-continue` before a POST body over 1 MB and then waits up to a second
        // for a `100 Continue` that servers such as Hummingbird never send; an empty `Expect:` turns it off.
        let expect = request.method == "POST" && !request.headers.contains { $0.lowercased().hasPrefix("expect:") } ? ["Expect:"] : []
        for header in request.headers + expect {
            transfer.headers = header.withCString { curl_slist_append(transfer.headers, $0) }
        }
        if let headers = transfer.headers { codes.append(vigil_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headers)) }
        if request.method == "POST" {
            codes.append(vigil_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            codes.append(
                request.body.withUnsafeBytes { raw in
                    vigil_easy_setopt_pointer(
                        easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
                })
        }
        if let failure = codes.first(where: { $0 != CURLE_OK }) {
            transfer.cleanup()
            return .failure(TransferError(.transport, "cannot configure the request: \(String(cString: curl_easy_strerror(failure)))"))
        }
        return .success(transfer)
    }

    /// The transfer's outcome once libcurl reports it done.
    func result(code: CURLcode) -> Result<CurlResponse, TransferError> {
        switch code {
        case CURLE_OK:
            var status = 0
            _ = vigil_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            var type: UnsafeMutableRawPointer?
            _ = vigil_easy_getinfo_pointer(easy, CURLINFO_CONTENT_TYPE, &type)
            let contentType = type.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) }
            return .success(CurlResponse(status: status, contentType: contentType, body: buffer.bytes))
        case CURLE_OPERATION_TIMEDOUT:
            return .failure(TransferError(.timeout, String(cString: curl_easy_strerror(code))))
        case CURLE_FILESIZE_EXCEEDED:
            return .failure(TransferError(.tooLarge, "response larger than \(buffer.limit) bytes"))
        case CURLE_WRITE_ERROR where buffer.overflowed:
            return .failure(TransferError(.tooLarge, "response larger than \(buffer.limit) bytes"))
        default:
            return .failure(TransferError(.transport, String(cString: curl_easy_strerror(code))))
        }
    }

    /// Frees the handle and its header list.
    func cleanup() {
        curl_easy_cleanup(easy)
        if let headers { curl_slist_free_all(headers) }
        headers = nil
    }
}
