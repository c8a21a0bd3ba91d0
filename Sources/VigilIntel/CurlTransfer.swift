import CCurl

#if canImport(Glibc)
import Glibc
#endif

/// The response body of one transfer as it arrives, with its size cap: held in memory, or written to a
/// file (`CurlRequest.responseFile`).
final class ResponseBuffer {
    var bytes: [UInt8] = []
    let limit: Int
    var received = 0
    var overflowed = false
    /// The `errno` of a failed write to the response file; 0 while none failed.
    var writeError: Int32 = 0
    /// The response file's descriptor; nil when the body is kept in memory.
    let descriptor: Int32?

    init(limit: Int, descriptor: Int32? = nil) {
        self.limit = limit
        self.descriptor = descriptor
    }

    /// Keeps `length` bytes at `data`; false when they cannot be written to the response file.
    func keep(_ data: UnsafePointer<CChar>, _ length: Int) -> Bool {
        guard let descriptor else {
            bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
            return true
        }
        var offset = 0
        while offset < length {
            let written = write(descriptor, data + offset, length - offset)
            if written < 0, errno == EINTR { continue }
            guard written > 0 else {
                writeError = written < 0 ? errno : ENOSPC
                return false
            }
            offset += written
        }
        return true
    }

    deinit {
        if let descriptor { close(descriptor) }
    }
}

/// libcurl's write callback: keeps the bytes in the transfer's buffer, refusing data past the cap or that
/// cannot be written (which makes libcurl end the transfer with CURLE_WRITE_ERROR).
private let appendResponseBytes: vigil_curl_write_callback = { data, size, count, userdata in
    guard let userdata else { return 0 }
    let buffer = Unmanaged<ResponseBuffer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard buffer.received + length <= buffer.limit else {
        buffer.overflowed = true
        return 0
    }
    if let data, length > 0 {
        guard buffer.keep(data, length) else { return 0 }
    }
    buffer.received += length
    return length
}

/// A file sent as a request body: its descriptor, read as libcurl asks for more.
final class RequestBodyFile {
    let descriptor: Int32
    let size: Int

    /// Opens the file, or nil when it cannot be read.
    init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        var status = stat()
        guard descriptor >= 0 else { return nil }
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
        self.size = Int(status.st_size)
    }

    deinit { close(descriptor) }
}

/// libcurl's read callback: the next bytes of the body file, 0 at its end; a failed read aborts the
/// transfer. It runs on the curl thread, which a local file read holds only briefly.
private let readRequestBytes: vigil_curl_read_callback = { buffer, size, count, userdata in
    guard let userdata, let buffer else { return Int(CURL_READFUNC_ABORT) }
    let file = Unmanaged<RequestBodyFile>.fromOpaque(userdata).takeUnretainedValue()
    while true {
        let read = Glibc.read(file.descriptor, buffer, size * count)
        if read >= 0 { return read }
        if errno != EINTR { return Int(CURL_READFUNC_ABORT) }
    }
}

/// One easy handle with everything it points at; lives on the curl thread only.
final class CurlTransfer {
    let easy: UnsafeMutableRawPointer
    private let buffer: ResponseBuffer
    private var headers: UnsafeMutablePointer<curl_slist>?
    private var bodyFile: RequestBodyFile?

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
        var responseDescriptor: Int32?
        if let path = request.responseFile {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                return .failure(TransferError(.transport, "cannot write the response file \(path)", requestSent: false))
            }
            responseDescriptor = descriptor
        }
        let buffer = ResponseBuffer(limit: request.maxResponseBytes, descriptor: responseDescriptor)
        guard let easy = curl_easy_init() else { return .failure(TransferError(.transport, "curl_easy_init failed")) }
        let transfer = CurlTransfer(easy: easy, buffer: buffer)
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
        if request.stallTimeoutMs > 0 {
            codes.append(vigil_easy_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, 1))
            codes.append(vigil_easy_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, (request.stallTimeoutMs + 999) / 1000))
        }
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
        if request.method == "POST", let path = request.bodyFile {
            guard let file = RequestBodyFile(path: path) else {
                transfer.cleanup()
                return .failure(TransferError(.transport, "cannot read the body file \(path)", requestSent: false))
            }
            transfer.bodyFile = file
            codes.append(vigil_easy_setopt_long(easy, CURLOPT_POST, 1))
            codes.append(vigil_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(file.size)))
            codes.append(vigil_easy_setopt_read_callback(easy, readRequestBytes))
            codes.append(vigil_easy_setopt_pointer(easy, CURLOPT_READDATA, Unmanaged.passUnretained(file).toOpaque()))
        } else if request.method == "POST" {
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
        case CURLE_WRITE_ERROR where buffer.writeError != 0:
            return .failure(TransferError(.transport, "cannot write the response file: \(String(cString: strerror(buffer.writeError)))"))
        default:
            return .failure(TransferError(.transport, String(cString: curl_easy_strerror(code))))
        }
    }

    /// Frees the handle and its header list, and closes its body file.
    func cleanup() {
        curl_easy_cleanup(easy)
        if let headers { curl_slist_free_all(headers) }
        headers = nil
        bodyFile = nil
    }
}
