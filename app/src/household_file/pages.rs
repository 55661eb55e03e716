//! The household page: the household's whole file on one page, the verdict and open cases first (on a phone
//! they are what the visitor needs). Each section is its area's component; this page only arranges them.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::api::get_household_file;
use crate::cases::pages::{MeasureTable, OpenCases};
use crate::households::api::{Assess, SaveIncome, SaveMember, SetDibao, SetWarningKinds, UpdateHousehold};
use crate::households::pages::{AssessmentEditor, BasicFacts, IncomeEditor, Members, RiskSection, SecuritySection};
use crate::households::register_pages::{DibaoEditor, HistorySection, HouseholdEditor, WarningKindsEditor, can_edit};
use crate::org::api::list_org_units;
use crate::ui::{ErrorBox, FileLink, MeResource, count_successes};
use crate::visits::pages::HouseholdVisits;
use crate::workflow::api::{ApplyIdentification, IdentificationStep, ProposeElimination, ProposeMeasures};
use crate::workflow::pages::{EliminationSection, IdentificationSection, MeasuresSection};

/// 一户一档: one household's whole file.
#[component]
pub fn HouseholdDetailPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let save_income = ServerAction::<SaveIncome>::new();
    let assess = ServerAction::<Assess>::new();
    let apply = ServerAction::<ApplyIdentification>::new();
    let propose = ServerAction::<ProposeElimination>::new();
    let step = ServerAction::<IdentificationStep>::new();
    let propose_measures = ServerAction::<ProposeMeasures>::new();
    let update = ServerAction::<UpdateHousehold>::new();
    let save_member = ServerAction::<SaveMember>::new();
    let dibao = ServerAction::<SetDibao>::new();
    let warning_kinds = ServerAction::<SetWarningKinds>::new();
    // The page reloads after a successful change only: a refused form keeps what was typed.
    let changes = RwSignal::new(0u32);
    count_successes(save_income.value(), changes);
    count_successes(assess.value(), changes);
    count_successes(apply.value(), changes);
    count_successes(propose.value(), changes);
    count_successes(step.value(), changes);
    count_successes(propose_measures.value(), changes);
    count_successes(update.value(), changes);
    count_successes(save_member.value(), changes);
    count_successes(dibao.value(), changes);
    count_successes(warning_kinds.value(), changes);
    let household = Resource::new(move || (code(), changes.get()), |(code, _)| get_household_file(code));
    let visits = Resource::new(code, crate::visits::api::household_visits);
    // Everything the page's forms offer is loaded here, with the household: resources created inside
    // the loaded page would not hydrate.
    let units = Resource::new(|| (), |_| list_org_units());
    let categories = Resource::new(|| (), |_| crate::policy::api::current_categories());
    let cadres = Resource::new(code, crate::households::api::assignable_cadres);
    let me = expect_context::<MeResource>();
    let editor = can_edit(me);
    view! {
        <section class="page">
            <p><a href="/households">"← 返回农户列表"</a></p>
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    let (units, categories, cadres) = (
                        units.await.unwrap_or_default(),
                        categories.await.unwrap_or_default(),
                        cadres.await.unwrap_or_default(),
                    );
                    let visits = visits.await;
                    match household.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(file) => { let h = file.household.clone(); view! {
                            <h1>
                                {format!("{}户", h.summary.head_name)}
                                {h.risk.evaluation.as_ref().is_some_and(|e| e.red_alert).then(|| view! { <span class="badge red">"红色预警"</span> })}
                            </h1>
                            // The verdict and the open cases first: on a phone they are what the visitor needs.
                            <RiskSection risk=h.risk.clone()/>
                            <OpenCases code=code() cases=file.open_cases.clone() may_open=editor()/>
                            <BasicFacts household=h.clone()/>
                            <PrintLinks code=code() public_notice=on_public_notice(&file)/>
                            {match visits {
                                Ok(visits) => view! { <HouseholdVisits code=code() visits may_record=editor()/> }.into_any(),
                                Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                            }}
                            <SecuritySection assessments=h.assessments.clone()/>
                            <h2>"一户一方案（帮扶措施）"</h2>
                            {file.plan_due.clone().map(|why| view! { <p class="banner warn">{why}</p> })}
                            <MeasureTable measures=file.plan.clone() with_case_links=true/>
                            {h.appraise_measures.then(|| view! {
                                <MeasuresSection code=code() current=file.measures_appraisal.clone() plan=file.plan.clone() propose=propose_measures step/>
                            })}
                            <IdentificationSection code=code() current=file.identification.clone() categories=categories.clone() apply step/>
                            <EliminationSection code=code() status=h.summary.status current=file.elimination.clone() propose step/>
                            {editor().then(|| view! {
                                <HouseholdEditor code=code() form=h.form.clone() units=units.clone() cadres=cadres.clone() action=update/>
                                <DibaoEditor code=code() dibao=h.dibao.clone() action=dibao/>
                                <WarningKindsEditor code=code() options=h.warning_kind_options.clone() recorded=h.warning_kinds.clone() action=warning_kinds/>
                                <AssessmentEditor code=code() action=assess/>
                                <IncomeEditor code=code() latest=h.latest_income.clone() this_year=h.this_year action=save_income/>
                            })}
                            <Members code=code() members=h.members.clone() editor=editor() action=save_member/>
                            <HistorySection history=h.history.clone()/>
                        }.into_any() }
                    }
                })}
            </Transition>
        </section>
    }
}

/// Whether the household's identification, elimination or measures have been put up for public notice.
fn on_public_notice(file: &super::HouseholdFile) -> bool {
    [file.identification.as_ref(), file.elimination.as_ref(), file.measures_appraisal.as_ref()]
        .into_iter()
        .flatten()
        .any(|p| p.notice_start.is_some())
}

/// The household's papers to print: the visit sheet, the commitment and, once a procedure has been put up
/// for public notice, the notice.
#[component]
fn PrintLinks(code: String, public_notice: bool) -> impl IntoView {
    view! {
        <p class="actions prints">
            "打印（PDF）："
            <FileLink href=format!("/prints/households/{code}/visit-sheet.pdf")>"入户走访记录表"</FileLink>
            " · "<FileLink href=format!("/prints/households/{code}/commitment.pdf")>"承诺书"</FileLink>
            {public_notice.then(|| view! {
                " · "<FileLink href=format!("/prints/households/{code}/public-notice.pdf")>"公示"</FileLink>
            })}
        </p>
    }
}
