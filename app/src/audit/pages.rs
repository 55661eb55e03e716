//! The audit log page: the newest records in scope, and a check of the whole chain.

use leptos::prelude::*;

use super::api::{VerifyAuditChain, recent_audit};
use crate::ui::ErrorBox;

#[component]
pub fn AuditPage() -> impl IntoView {
    let records = Resource::new(|| (), |_| recent_audit());
    let verify = ServerAction::<VerifyAuditChain>::new();
    view! {
        <section class="page">
            <h1>"审计日志"</h1>
            <p class="muted">"所有修改和登录、拒绝访问等安全事件都有记录（同一人反复被拒绝的访问合并为一条并注明次数），不可修改或删除；每条记录都包含上一条记录的加密钥哈希，构成可校验的链，链头每天签名存档为检查点。"</p>
            <ActionForm action=verify attr:class="inline">
                <button type="submit">"校验整条审计链"</button>
            </ActionForm>
            {move || verify.value().get().map(|result| match result {
                Ok(report) => match report.first_broken {
                    None => view! { <div class="banner ok">{super::whole_chain(&report)}</div> }.into_any(),
                    Some(link) => view! {
                        <div class="banner error">{format!("审计链在第 {} 条记录处断裂：{}。此前 {} 条记录完好。", link.seq, link.reason, report.checked)}</div>
                    }.into_any(),
                },
                Err(e) => view! { <ErrorBox error=e/> }.into_any(),
            })}
            <Transition fallback=|| view! { <p class="loading">"正在加载……"</p> }>
                {move || Suspend::new(async move {
                    match records.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(list) => view! {
                            <table class="list">
                                <thead><tr><th>"序号"</th><th>"时间"</th><th>"操作人"</th><th>"操作"</th><th>"对象"</th><th>"内容"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|r| view! {
                                        <tr>
                                            <td data-label="序号">{r.seq}</td>
                                            <td data-label="时间">{crate::time::beijing_time_of(&r.at)}</td>
                                            <td data-label="操作人">{r.actor}<small class="muted">{r.ip.map(|ip| format!(" {ip}"))}</small></td>
                                            <td data-label="操作">{r.action_label}</td>
                                            <td data-label="对象">{format!("{} {}", super::labels::entity_label(&r.entity_type), r.entity_id)}</td>
                                            <td data-label="内容" class="small changes">{r.changes}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
