import CoreMetrics
import Hummingbird
import NIOCore
import Logging

/// Wraps every route (and the not-found responder): turns any thrown error into a JSON
/// ``ErrorBody`` with the right status, and counts requests in `hmn_http_requests_total` by route
/// pattern (not raw path, to bound the label set), method and status.
struct APIMiddleware<Context: RequestContext>: RouterMiddleware {
    let metricsFactory: any MetricsFactory

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            let apiError = Self.apiError(for: error, request: request)
            if apiError.code == .internalError {
                context.logger.error(
                    "request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            }
            response = JSONBody.errorResponse(apiError)
        }
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"
        Counter(
            label: NodeMetricNames.httpRequestsTotal,
            dimensions: [
                ("route", route), ("method", request.method.rawValue), ("status", String(response.status.code)),
            ],
            factory: metricsFactory
        ).increment()
        return response
    }

    static func apiError(for error: any Error, request: Request) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case is NIOTooManyBytesError:
            return APIError(.payloadTooLarge, "request body is too large")
        case let error as HTTPError where error.status == .notFound:
            return APIError(.notFound, "no route \(request.method.rawValue) \(request.uri.path)")
        case let error as any HTTPResponseError where (400..<500).contains(error.status.code):
            return APIError(.invalidValue, "\(error)")
        default:
            return APIError(.internalError, "internal error while serving \(request.uri.path)")
        }
    }
}
