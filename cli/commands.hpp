// One setup function per command, each defined in its own file (cli/<noun>_<verb>.cpp).
#pragma once

#include "cli/command.hpp"

namespace mlops::cli {

Action setup_init(Args& args);
Action setup_certs_init(Args& args);
Action setup_token_create(Args& args);
Action setup_token_list(Args& args);
Action setup_token_revoke(Args& args);
Action setup_server_run(Args& args);
Action setup_agent_join(Args& args);
Action setup_agent_list(Args& args);
Action setup_agent_revoke(Args& args);
Action setup_context_add(Args& args);
Action setup_context_use(Args& args);
Action setup_context_list(Args& args);
Action setup_context_delete(Args& args);
Action setup_events(Args& args);
Action setup_alerts_list(Args& args);
Action setup_alerts_ack(Args& args);
Action setup_health_show(Args& args);
Action setup_stats_tail(Args& args);
Action setup_stats_query(Args& args);
Action setup_stats_export(Args& args);
Action setup_stats_list(Args& args);
Action setup_stats_plot(Args& args);
Action setup_stats_prune(Args& args);
Action setup_wait(Args& args);
Action setup_agent_run(Args& args);
Action setup_model_push(Args& args);
Action setup_model_list(Args& args);
Action setup_model_show(Args& args);
Action setup_model_pull(Args& args);
Action setup_model_delete(Args& args);
Action setup_model_history(Args& args);
Action setup_model_alias_set(Args& args);
Action setup_model_pending(Args& args);
Action setup_model_approve(Args& args);
Action setup_model_reject(Args& args);
Action setup_model_rollback(Args& args);
Action setup_ion_apply(Args& args);
Action setup_ion_validate(Args& args);
Action setup_ion_diff(Args& args);
Action setup_ion_get(Args& args);
Action setup_ion_describe(Args& args);
Action setup_ion_history(Args& args);
Action setup_ion_rollback(Args& args);
Action setup_ion_delete(Args& args);
Action setup_ion_graph(Args& args);
Action setup_ion_run(Args& args);
Action setup_run_list(Args& args);
Action setup_run_show(Args& args);
Action setup_run_logs(Args& args);
Action setup_run_cancel(Args& args);
Action setup_pipeline_upload(Args& args);
Action setup_pipeline_list(Args& args);
Action setup_pipeline_show(Args& args);
Action setup_pipeline_download(Args& args);
Action setup_pipeline_delete(Args& args);
Action setup_store_fsck(Args& args);
Action setup_store_gc(Args& args);
Action setup_store_du(Args& args);

}  // namespace mlops::cli
