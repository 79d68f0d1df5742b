//! What time it is in the program's terms. A shared room: it imports no feature.

use domain::quarter::Quarter;

/// The quarter it is now (UTC).
pub fn current_quarter() -> Quarter {
    Quarter::containing(store::now().date())
}
