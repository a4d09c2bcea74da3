import RestServing

/// Kafka Connect's status code for each herder error (its `ConnectExceptionMapper`): the one place the
/// herder's refusals become HTTP.
extension RestError {
    public init(_ error: HerderError) {
        let status =
            switch error {
            case .notFound: 404
            case .alreadyExists, .rebalanceInProgress: 409
            case .badRequest, .invalidConfig: 400
            case .forbidden: 403
            case .storeFailure: 500
            }
        self.init(status, error.message)
    }
}
