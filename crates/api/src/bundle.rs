//! One `FromRequest` for the request bundles of [`reads`](crate::reads) and
//! [`writes`](crate::writes): each bundle is the tuple of the extractors a handler took as
//! arguments, extracted as actix extracts a handler's arguments (in order, the first that fails
//! answers), then named.

/// Implements `FromRequest` for `$bundle<C, …>` (`C` the caller): extracts the tuple `$parts`,
/// then builds the bundle from it with `|$pattern| $build`.
macro_rules! from_parts {
    ($bundle:ident<$($param:ident),*> from $parts:ty, |$pattern:pat_param| $build:expr) => {
        impl<C: 'static, $($param: 'static),*> actix_web::FromRequest for $bundle<C, $($param),*>
        where
            $parts: actix_web::FromRequest<Error = actix_web::Error>,
        {
            type Error = actix_web::Error;
            type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

            fn from_request(req: &actix_web::HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
                use futures_util::TryFutureExt;
                Box::pin(<$parts as actix_web::FromRequest>::from_request(req, payload).map_ok(|$pattern| $build))
            }
        }
    };
}

pub(crate) use from_parts;
