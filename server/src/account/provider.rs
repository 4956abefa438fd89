//! An OpenID Connect provider as discovered (its metadata: endpoints and keys),
//! held by the shared state from the first sign-in on.

use openidconnect::core::CoreProviderMetadata;

pub struct Provider {
    pub metadata: CoreProviderMetadata,
}
