//! Pages for the areas that are not built yet. They say so plainly and tell what is coming.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    Accountability,
}

impl Area {
    fn title(self) -> &'static str {
        match self {
            Area::Accountability => "问责与考核",
        }
    }

    fn purpose(self) -> &'static str {
        match self {
            Area::Accountability => "问责记录、约谈与考核一票否决，依据可追溯的工作记录。",
        }
    }
}

#[component]
pub fn ComingSoon(area: Area) -> impl IntoView {
    view! {
        <section class="page">
            <h1>{area.title()}</h1>
            <div class="banner info">"本功能尚在建设中，当前版本还不能使用。"</div>
            <p class="lead">{area.purpose()}</p>
        </section>
    }
}
