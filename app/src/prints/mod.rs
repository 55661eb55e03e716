//! Printed forms (入户走访记录表, 承诺书, 公示): the data each form is filled with. The layouts are the
//! templates in `print-templates/`, rendered by the server's print engine (`server/src/pdf/`).

#[cfg(feature = "ssr")]
pub mod service;
