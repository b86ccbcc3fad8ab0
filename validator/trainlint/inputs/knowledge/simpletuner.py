"""What SimpleTuner does with the keys trainlint reads: defaults, units and sources, as data.

Every `source` is a path in bghira/SimpleTuner at `COMMIT` with the lines the research notes
(shared/domain/trainer-formats.md, sections 5, 8 and 10) cite; `_REGISTRY` abbreviates the field
registry's folder. Where a fact was read in another stored version of a file, the source names the
function and says "read at" that commit.

How a config reaches the trainer (simpletuner/helpers/configuration/): `config.json` and
`config.toml` are flat maps of command-line options, keys with or without the leading `--`
(cli_utils.py:13-17); `mapping_to_cli_args` (cli_utils.py, read at 1702e955) turns each pair into
a `--key=value` string: None and an empty string are left out, `true` (a JSON boolean or the
string "true") becomes the bare flag, `false` / "false" drops the key (section 10.7), a table
(a JSON object, a TOML table) is set aside and never reaches the parser, a list repeats the option,
and a number is written with Python's `str`. argparse then converts each value with the option's
type (cmd_args.py:472-556) and refuses an option it does not know (cmd_args.py:665-668). In
`config.env`, variables named in `ENV_TO_ARGS` become options the same way, "true"/"false" too,
and `TRAINER_EXTRA_ARGS` is split on spaces and appended (env_file.py load_env_config, read at
04265fc1).
"""

from ..base import BaseModel, KeyInfo

REPOSITORY = "bghira/SimpleTuner"
COMMIT = "bc8e6ab7738ce457a2ed8eb2d26cadd91c6442cb"
_REGISTRY = "simpletuner/simpletuner_sdk/server/services/field_registry/sections/"
_CONFIG = "simpletuner/helpers/configuration/"

CLI_SOURCE = _CONFIG + "cli_utils.py:13-17, 110-112; mapping_to_cli_args (read at 1702e955)"
PARSER_SOURCE = _CONFIG + "cmd_args.py:472-556, 665-668"
ENV_SOURCE = _CONFIG + "env_file.py load_env_config (read at 04265fc1)"
LOADER_SOURCE = _CONFIG + "loader.py:17-55"

# --- trainer options trainlint reads: default, unit and argparse type ------------------------

KEYS: dict[str, KeyInfo] = {
    "model_family": KeyInfo(None, "model family (required)", _REGISTRY + "model.py:61-73"),
    "model_flavour": KeyInfo(None, "variant of the family", _REGISTRY + "model.py:61-73"),
    "model_type": KeyInfo("full", "full / lora", _REGISTRY + "model.py:196-217"),
    "lora_type": KeyInfo("standard", "standard / lycoris", _REGISTRY + "lora.py:18-31"),
    "max_train_steps": KeyInfo(None, "optimizer steps (0 or unset: use num_train_epochs)", _REGISTRY + "training.py:42-50"),
    "num_train_epochs": KeyInfo(1, "epochs", _REGISTRY + "training.py:20-31"),
    "train_batch_size": KeyInfo(4, "samples per batch (per GPU)", _REGISTRY + "training.py:61-72"),
    "gradient_accumulation_steps": KeyInfo(1, "batches per optimizer step", _REGISTRY + "training.py:161-169"),
    "learning_rate": KeyInfo(4e-7, "learning rate", _REGISTRY + "training.py:83-94"),
    "train_text_encoder": KeyInfo(False, "flag", _REGISTRY + "training.py:725-754"),
    "text_encoder_lr": KeyInfo(None, "learning rate (unset or 0: learning_rate)", _REGISTRY + "training.py:725-754; "
                               "simpletuner/helpers/training/trainer.py:4008-4101"),
    "lr_scale": KeyInfo(False, "flag: learning_rate x batch x accumulation x processes",
                        "simpletuner/helpers/training/trainer.py (the lr_scale block of its stored versions)"),
    "lr_scale_sqrt": KeyInfo(False, "flag: with lr_scale, the square root of that product",
                             "simpletuner/helpers/training/trainer.py (the lr_scale block of its stored versions)"),
    "num_processes": KeyInfo(None, "processes (GPUs) the launcher starts; config.env: TRAINING_NUM_PROCESSES",
                             ENV_SOURCE),
    "optimizer": KeyInfo("adamw_bf16", "optimizer name", _REGISTRY + "training.py (optimizer, read at 03b3fcba)"),
    "data_backend_config": KeyInfo(None, "path of the data backend list (required)",
                                   "documentation/DATALOADER.md; config/multidatabackend.json.example"),
}

# argparse types: `_infer_numeric_type` makes a number option an int unless its default, choices or
# rules hold a float (cmd_args.py, read at 07ec53c1); checkboxes take true/false words
INT_OPTIONS = frozenset({"max_train_steps", "num_train_epochs", "train_batch_size", "gradient_accumulation_steps",
                         "num_processes"})
FLOAT_OPTIONS = frozenset({"learning_rate", "text_encoder_lr"})
FLAG_OPTIONS = frozenset({"train_text_encoder", "lr_scale", "lr_scale_sqrt"})
BOOL_TRUE = frozenset({"1", "true", "yes", "y", "on"})  # cmd_args.py _parse_bool_flag (read at 07ec53c1)
BOOL_FALSE = frozenset({"0", "false", "no", "n", "off"})

STEPS_SOURCE = "simpletuner/helpers/training/trainer.py:3829-3866"
LR_SOURCE = "simpletuner/helpers/training/trainer.py:4008-4101"
T5_SOURCE = "simpletuner/helpers/training/trainer.py:4049-4057"

# --- model families ------------------------------------------------------------------------------

# model.py:61-73; the families trainlint has advice for, per the model classes
FAMILIES: dict[str, BaseModel] = {"sd1x": "sd-1.5", "sdxl": "sdxl", "flux": "flux.1"}
FAMILY_SOURCES = {
    "sd1x": "simpletuner/helpers/models/sd1x/model.py:444-445",
    "sdxl": "simpletuner/helpers/models/sdxl/model.py:716",
    "flux": "simpletuner/helpers/models/flux/model.py:1504",
}
# families the parser offers besides (the --model_family choices in documentation/OPTIONS.md, plus
# the notes' list): named so an unsupported one is told from a misspelt one
OTHER_FAMILIES = frozenset({
    "sd2x", "sd3", "flux2", "kolors", "auraflow", "omnigen", "deepfloyd", "cosmos2image", "sana", "qwen_image",
    "pixart_sigma", "wan", "hidream", "lumina2", "ltxvideo", "chroma", "hunyuanvideo", "ltxvideo2", "sanavideo",
    "kandinsky5", "z_image", "longcat_image",
})
MODEL_TYPES = ("full", "lora")

# optimizers whose learning rate multiplies a step size they estimate (the --optimizer choices)
ADAPTIVE_OPTIMIZERS = frozenset({"prodigy"})

# --- the data backend list (--data_backend_config) ---------------------------------------------------

BACKEND_KEYS: dict[str, KeyInfo] = {
    "id": KeyInfo(None, "backend name", "documentation/DATALOADER.md"),
    "type": KeyInfo("local", "local / aws / huggingface / csv / ...", "documentation/DATALOADER.md"),
    "instance_data_dir": KeyInfo(None, "folder of images (local backends, searched recursively)",
                                 "simpletuner/helpers/data_backend/local.py list_files (rglob, read at 06b96af6)"),
    "repeats": KeyInfo(0, "extra copies per epoch: each image is seen repeats + 1 times",
                       "simpletuner/helpers/data_backend/factory.py:440; documentation/DATALOADER.md:672-677; "
                       "simpletuner/helpers/metadata/backends/discovery.py:773-774"),
    "dataset_type": KeyInfo("image", "image / video / text_embeds / image_embeds / conditioning / ...",
                            "simpletuner/helpers/data_backend/dataset_types.py (read at 17877aa1)"),
    "disabled": KeyInfo(False, "flag: the backend is skipped", "documentation/DATALOADER.md"),
}
BATCHES_SOURCE = "simpletuner/helpers/metadata/backends/discovery.py:767-781"
TRAINING_DATASET_TYPES = frozenset({"image", "video", "audio"})  # the others are caches, conditioning or evaluation
# image_file_extensions (simpletuner/helpers/training/__init__.py) as far as the workspace counts them
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tiff", ".tif", ".jxl", ".avif"})

# --- config.env: variables that become options -------------------------------------------------------

# env_file.py env_to_args_map (read at 04265fc1); USE_BITFIT is passed as "--layer_freeze_strategy=bitfit"
ENV_TO_ARGS: dict[str, str] = {
    "RESUME_CHECKPOINT": "resume_from_checkpoint", "DATALOADER_CONFIG": "data_backend_config",
    "ASPECT_BUCKET_ROUNDING": "aspect_bucket_rounding", "TRAINING_SEED": "seed",
    "ACCELERATE_CONFIG_PATH": "accelerate_config", "ACCELERATE_EXTRA_ARGS": "accelerate_extra_args",
    "USE_EMA": "use_ema", "USE_XFORMERS": "enable_xformers_memory_efficient_attention",
    "MINIMUM_RESOLUTION": "minimum_image_size", "OUTPUT_DIR": "output_dir", "USE_DORA": "use_dora",
    "USE_BITFIT": "layer_freeze_strategy", "LORA_TYPE": "lora_type", "LYCORIS_CONFIG": "lycoris_config",
    "PUSH_TO_HUB": "push_to_hub", "PUSH_TO_HUB_BACKGROUND": "push_to_hub_background",
    "PUSH_CHECKPOINTS": "push_checkpoints_to_hub", "PUBLISHING_CONFIG": "publishing_config",
    "MAX_NUM_STEPS": "max_train_steps", "NUM_EPOCHS": "num_train_epochs",
    "CHECKPOINTING_STEPS": "checkpoint_step_interval", "CHECKPOINT_STEP_INTERVAL": "checkpoint_step_interval",
    "CHECKPOINT_EPOCH_INTERVAL": "checkpoint_epoch_interval", "CHECKPOINTING_LIMIT": "checkpoints_total_limit",
    "HUB_MODEL_NAME": "hub_model_id", "MODEL_CARD_SAFE_FOR_WORK": "model_card_safe_for_work",
    "TRACKER_PROJECT_NAME": "tracker_project_name", "TRACKER_RUN_NAME": "tracker_run_name",
    "MODEL_TYPE": "model_type", "MODEL_NAME": "pretrained_model_name_or_path", "MODEL_FAMILY": "model_family",
    "TRAIN_BATCH_SIZE": "train_batch_size", "USE_GRADIENT_CHECKPOINTING": "gradient_checkpointing",
    "ENABLE_CHUNKED_FEED_FORWARD": "enable_chunked_feed_forward", "FEED_FORWARD_CHUNK_SIZE": "feed_forward_chunk_size",
    "CAPTION_DROPOUT_PROBABILITY": "caption_dropout_probability", "RESOLUTION_TYPE": "resolution_type",
    "RESOLUTION": "resolution", "VALIDATION_SEED": "validation_seed", "VALIDATION_STEPS": "validation_step_interval",
    "VALIDATION_STEP_INTERVAL": "validation_step_interval", "VALIDATION_EPOCH_INTERVAL": "validation_epoch_interval",
    "VALIDATION_RESOLUTION": "validation_resolution", "VALIDATION_GUIDANCE": "validation_guidance",
    "VALIDATION_METHOD": "validation_method", "VALIDATION_EXTERNAL_SCRIPT": "validation_external_script",
    "VALIDATION_EXTERNAL_BACKGROUND": "validation_external_background",
    "DEEPFLOYD_VALIDATION_PIPELINE_MODE": "deepfloyd_validation_pipeline_mode",
    "DEEPFLOYD_VALIDATION_STAGE1_MODEL": "deepfloyd_validation_stage1_model",
    "DEEPFLOYD_VALIDATION_STAGE2_MODEL": "deepfloyd_validation_stage2_model",
    "DEEPFLOYD_VALIDATION_STAGE3_MODE": "deepfloyd_validation_stage3_mode",
    "DEEPFLOYD_VALIDATION_STAGE3_MODEL": "deepfloyd_validation_stage3_model",
    "DEEPFLOYD_VALIDATION_STAGE1_NUM_INFERENCE_STEPS": "deepfloyd_validation_stage1_num_inference_steps",
    "DEEPFLOYD_VALIDATION_STAGE2_NUM_INFERENCE_STEPS": "deepfloyd_validation_stage2_num_inference_steps",
    "DEEPFLOYD_VALIDATION_STAGE1_GUIDANCE": "deepfloyd_validation_stage1_guidance",
    "DEEPFLOYD_VALIDATION_STAGE2_GUIDANCE": "deepfloyd_validation_stage2_guidance",
    "DEEPFLOYD_VALIDATION_STAGE3_GUIDANCE": "deepfloyd_validation_stage3_guidance",
    "DEEPFLOYD_VALIDATION_STAGE3_NOISE_LEVEL": "deepfloyd_validation_stage3_noise_level",
    "WAN_VALIDATION_LOAD_OTHER_STAGE": "wan_validation_load_other_stage",
    "SDXL_VALIDATION_PIPELINE_MODE": "sdxl_validation_pipeline_mode",
    "SDXL_VALIDATION_STAGE1_MODEL": "sdxl_validation_stage1_model",
    "SDXL_VALIDATION_STAGE2_MODEL": "sdxl_validation_stage2_model",
    "PIXART_VALIDATION_PIPELINE_MODE": "pixart_validation_pipeline_mode",
    "PIXART_VALIDATION_STAGE1_MODEL": "pixart_validation_stage1_model",
    "PIXART_VALIDATION_STAGE2_MODEL": "pixart_validation_stage2_model",
    "LTX2_VALIDATION_PIPELINE_MODE": "ltx2_validation_pipeline_mode",
    "LTX2_VALIDATION_SPATIAL_UPSAMPLER_MODEL": "ltx2_validation_spatial_upsampler_model",
    "LTX2_VALIDATION_SPATIAL_UPSAMPLER_FILENAME": "ltx2_validation_spatial_upsampler_filename",
    "POST_CHECKPOINT_SCRIPT": "post_checkpoint_script", "POST_UPLOAD_SCRIPT": "post_upload_script",
    "VALIDATION_GUIDANCE_RESCALE": "validation_guidance_rescale",
    "VALIDATION_NUM_INFERENCE_STEPS": "validation_num_inference_steps", "VALIDATION_PROMPT": "validation_prompt",
    "VALIDATION_INPUT": "validation_input", "ALLOW_TF32": "allow_tf32", "MIXED_PRECISION": "mixed_precision",
    "OPTIMIZER": "optimizer", "LEARNING_RATE": "learning_rate", "LR_SCHEDULE": "lr_scheduler",
    "LR_WARMUP_STEPS": "lr_warmup_steps", "BASE_MODEL_PRECISION": "base_model_precision",
    "QUANTIZE_VIA": "quantize_via", "QUANTIZATION_CONFIG": "quantization_config",
    "SDNQ_WEIGHTS_DTYPE": "sdnq_weights_dtype", "SDNQ_QUANTIZED_MATMUL_DTYPE": "sdnq_quantized_matmul_dtype",
    "SDNQ_GROUP_SIZE": "sdnq_group_size", "SDNQ_USE_QUANTIZED_MATMUL": "sdnq_use_quantized_matmul",
    "SDNQ_COMPILE_MODE": "sdnq_compile_mode", "SDNQ_USE_STATIC_QUANTIZATION": "sdnq_use_static_quantization",
    "SDNQ_USE_STOCHASTIC_ROUNDING": "sdnq_use_stochastic_rounding", "SDNQ_DEQUANTIZE_FP32": "sdnq_dequantize_fp32",
    "SDNQ_USE_SVD": "sdnq_use_svd", "SDNQ_SVD_RANK": "sdnq_svd_rank", "SDNQ_SVD_STEPS": "sdnq_svd_steps",
    "SDNQ_USE_HADAMARD": "sdnq_use_hadamard", "SDNQ_HADAMARD_GROUP_SIZE": "sdnq_hadamard_group_size",
    "SDNQ_MODULES_TO_NOT_CONVERT": "sdnq_modules_to_not_convert",
    "SDNQ_MODULES_TO_NOT_USE_MATMUL": "sdnq_modules_to_not_use_matmul",
    "SDNQ_MODULES_DTYPE_DICT": "sdnq_modules_dtype_dict", "SDNQ_MODULES_QUANT_CONFIG": "sdnq_modules_quant_config",
    "TRAINING_NUM_PROCESSES": "num_processes", "TRAINING_NUM_MACHINES": "num_machines",
    "TRAINER_DYNAMO_BACKEND": "dynamo_backend", "VALIDATION_GUIDANCE_REAL": "validation_guidance_real",
    "VALIDATION_NO_CFG_UNTIL_TIMESTEP": "validation_no_cfg_until_timestep",
    "TRAINING_SCHEDULER_TIMESTEP_SPACING": "training_scheduler_timestep_spacing",
    "INFERENCE_SCHEDULER_TIMESTEP_SPACING": "inference_scheduler_timestep_spacing",
    "GRADIENT_ACCUMULATION_STEPS": "gradient_accumulation_steps", "TRAINING_DYNAMO_BACKEND": "dynamo_backend",
    "LR_END": "lr_end", "FLUX_GUIDANCE_VALUE": "flux_guidance_value", "FLUX_LORA_TARGET": "flux_lora_target",
    "VALIDATION_NEGATIVE_PROMPT": "validation_negative_prompt", "METADATA_UPDATE_INTERVAL": "metadata_update_interval",
    "READ_BATCH_SIZE": "read_batch_size", "WRITE_BATCH_SIZE": "write_batch_size",
    "TEXT_ENCODER_BATCH_SIZE": "text_encoder_batch_size", "TEXT_CACHE_ONDEMAND": "text_cache_ondemand",
    "TEXT_CACHE_DISABLE": "text_cache_disable", "AWS_MAX_POOL_CONNECTIONS": "aws_max_pool_connections",
    "TORCH_NUM_THREADS": "torch_num_threads", "IMAGE_PROCESSING_BATCH_SIZE": "image_processing_batch_size",
    "DISABLE_BENCHMARK": "disable_benchmark",
}
ENV_EXTRA_ARGS = "TRAINER_EXTRA_ARGS"
# variables the launch scripts and libraries read themselves: set in config.env, they are no typo
ENV_OTHER = frozenset({
    "TRAINER_EXTRA_ARGS", "ENV", "SIMPLETUNER_ENV", "SIMPLETUNER_ENVIRONMENT", "CONFIG_BACKEND", "CONFIG_TYPE",
    "SIMPLETUNER_CONFIG_BACKEND", "CONFIG_PATH", "SIMPLETUNER_LOG_LEVEL", "VENV_PATH", "DISABLE_UPDATES",
    "PATH", "PYTHONPATH", "LD_LIBRARY_PATH", "HOME", "USER", "TOKENIZERS_PARALLELISM", "WANDB_MODE",
})
ENV_OTHER_PREFIXES = ("HF_", "HUGGINGFACE_", "CUDA_", "PYTORCH_", "TORCH_", "NCCL_", "WANDB_", "ACCELERATE_",
                      "TRANSFORMERS_", "DIFFUSERS_", "XFORMERS_", "OMP_", "MKL_", "SIMPLETUNER_", "COMET_")

# --- options SimpleTuner knows ---------------------------------------------------------------------

# keys cli_utils.py consumes before the parser (legacy or dataset-only), with what becomes of them
HANDLED_BEFORE_PARSER: dict[str, str] = {
    "repeats": "dropped: repeats is a setting of each data backend (cli_utils.py:110-112)",
    "aspect_ratio_bucketing": "dropped: a dataset setting",
    "aspect_ratio_bucket_min": "dropped: a dataset setting",
    "aspect_ratio_bucket_max": "dropped: a dataset setting",
    "save_total_limit": "passed on as checkpoints_total_limit",
    "vae_cache_preprocess": "passed on as vae_cache_ondemand when false",
}
JSON_VALUED = frozenset({"webhook_config", "deepspeed_config"})  # a table there is passed on as JSON text

# the parser's options: documentation/OPTIONS.md (its --help listing and option headings, read at
# 00774655), the option names ENV_TO_ARGS maps to, and the keys of the shipped examples at COMMIT. A
# superset of what one version accepts is the aim: an option missing here is reported as unknown
OPTIONS = frozenset({
    "model_family", "model_flavour", "controlnet", "pretrained_model_name_or_path", "output_dir", "logging_dir",
    "model_type", "seed", "resolution", "resume_from_checkpoint", "prediction_type",
    "pretrained_vae_model_name_or_path", "vae_dtype", "vae_cache_ondemand", "vae_cache_disable",
    "accelerator_cache_clear_interval", "aspect_bucket_rounding", "base_model_precision", "text_encoder_1_precision",
    "text_encoder_2_precision", "text_encoder_3_precision", "text_encoder_4_precision",
    "gradient_checkpointing_interval", "gradient_checkpointing_backend", "offload_during_startup",
    "offload_during_save", "quantize_via", "fuse_qkv_projections", "control", "controlnet_custom_config",
    "controlnet_model_name_or_path", "tread_config", "pretrained_transformer_model_name_or_path",
    "pretrained_transformer_subfolder", "pretrained_unet_model_name_or_path", "pretrained_unet_subfolder",
    "pretrained_t5_model_name_or_path", "revision", "variant", "base_model_default_dtype", "unet_attention_slice",
    "num_train_epochs", "max_train_steps", "train_batch_size", "learning_rate", "optimizer", "optimizer_config",
    "lr_scheduler", "gradient_accumulation_steps", "lr_warmup_steps", "checkpoints_total_limit",
    "gradient_checkpointing", "train_text_encoder", "text_encoder_lr", "lr_num_cycles", "lr_power",
    "use_soft_min_snr", "use_ema", "ema_device", "ema_cpu_only", "ema_update_interval", "ema_foreach_disable",
    "ema_decay", "ema_validation", "lora_rank", "lora_alpha", "lora_type", "lora_dropout", "lora_init_type",
    "lora_format", "peft_lora_mode", "singlora_ramp_up_steps", "slider_lora_target", "init_lora", "lycoris_config",
    "init_lokr_norm", "flux_lora_target", "use_dora", "resolution_type", "data_backend_config", "caption_strategy",
    "conditioning_multidataset_sampling", "instance_prompt", "parquet_caption_column", "parquet_filename_column",
    "ignore_missing_files", "vae_cache_scan_behaviour", "vae_enable_slicing", "vae_enable_tiling",
    "vae_enable_patch_conv", "vae_batch_size", "caption_dropout_probability", "tokenizer_max_length",
    "validation_step_interval", "validation_steps", "validation_epoch_interval", "disable_benchmark",
    "validation_prompt", "num_validation_images", "num_eval_images", "eval_steps_interval", "eval_epoch_interval",
    "eval_timesteps", "eval_dataset_pooling", "evaluation_type", "pretrained_evaluation_model_name_or_path",
    "validation_guidance", "validation_num_inference_steps", "validation_on_startup", "validation_using_datasets",
    "validation_torch_compile", "validation_guidance_real", "validation_no_cfg_until_timestep",
    "validation_negative_prompt", "validation_randomize", "validation_seed", "validation_disable",
    "validation_prompt_library", "user_prompt_library", "eval_dataset_id", "validation_stitch_input_location",
    "validation_guidance_rescale", "validation_disable_unconditional", "validation_guidance_skip_layers",
    "validation_guidance_skip_layers_start", "validation_guidance_skip_layers_stop",
    "validation_guidance_skip_scale", "validation_lycoris_strength", "validation_noise_scheduler",
    "validation_num_video_frames", "validation_resolution", "validation_seed_source",
    "validation_torch_compile_mode", "validation_method", "validation_external_script",
    "validation_external_background", "validation_adapter_path", "validation_adapter_name",
    "validation_adapter_strength", "validation_adapter_mode", "validation_adapter_config", "validation_preview",
    "validation_preview_steps", "validation_input", "i_know_what_i_am_doing", "flow_sigmoid_scale",
    "flux_fast_schedule", "flow_use_uniform_schedule", "flow_use_beta_schedule", "flow_beta_schedule_alpha",
    "flow_beta_schedule_beta", "flow_schedule_shift", "flow_schedule_auto_shift", "flux_guidance_mode",
    "flux_attention_masked_training", "flux_guidance_value", "flux_guidance_min", "flux_guidance_max",
    "t5_padding", "sd3_clip_uncond_behaviour", "sd3_t5_uncond_behaviour", "soft_min_snr_sigma_data",
    "mixed_precision", "attention_mechanism", "sageattention_usage", "sla_config", "disable_tf32", "allow_tf32",
    "set_grads_to_none", "noise_offset", "noise_offset_probability", "input_perturbation",
    "input_perturbation_steps", "lr_end", "lr_scale", "lr_scale_sqrt", "ignore_final_epochs",
    "freeze_encoder_before", "freeze_encoder_after", "freeze_encoder_strategy", "layer_freeze_strategy",
    "fully_unload_text_encoder", "save_text_encoder", "text_encoder_limit", "prepend_instance_prompt",
    "only_instance_prompt", "data_aesthetic_score", "delete_unwanted_images", "delete_problematic_images",
    "disable_bucket_pruning", "disable_segmented_timestep_sampling", "preserve_data_backend_cache",
    "override_dataset_config", "cache_dir", "cache_dir_text", "cache_dir_vae", "compress_disk_cache",
    "aspect_bucket_disable_rebuild", "keep_vae_loaded", "skip_file_discovery", "data_backend_sampling",
    "allow_dataset_oversubscription", "image_processing_batch_size", "write_batch_size", "read_batch_size",
    "enable_multiprocessing", "max_workers", "aws_max_pool_connections", "torch_num_threads", "dataloader_prefetch",
    "dataloader_prefetch_qlen", "aspect_bucket_worker_count", "aspect_bucket_alignment", "minimum_image_size",
    "maximum_image_size", "target_downsample_size", "max_upscale_threshold", "metadata_update_interval",
    "debug_aspect_buckets", "debug_dataset_loader", "print_filenames", "print_sampler_statistics",
    "timestep_bias_strategy", "timestep_bias_begin", "timestep_bias_end", "timestep_bias_multiplier",
    "timestep_bias_portion", "training_scheduler_timestep_spacing", "inference_scheduler_timestep_spacing",
    "loss_type", "huber_schedule", "huber_c", "snr_gamma", "masked_loss_probability",
    "hidream_use_load_balancing_loss", "hidream_load_balancing_loss_weight", "adam_beta1", "adam_beta2",
    "optimizer_beta1", "optimizer_beta2", "optimizer_cpu_offload_method", "gradient_precision", "adam_weight_decay",
    "adam_epsilon", "prodigy_steps", "max_grad_norm", "grad_clip_method", "optimizer_offload_gradients",
    "fuse_optimizer", "optimizer_release_gradients", "push_to_hub", "push_to_hub_background",
    "push_checkpoints_to_hub", "publishing_config", "hub_model_id", "model_card_private",
    "model_card_safe_for_work", "model_card_note", "report_to", "checkpoint_step_interval", "checkpointing_steps",
    "checkpoint_epoch_interval", "checkpointing_rolling_steps", "checkpointing_use_tempdir",
    "checkpoints_rolling_total_limit", "tracker_run_name", "tracker_project_name", "tracker_image_layout",
    "enable_watermark", "framerate", "seed_for_each_device", "snr_weight", "rescale_betas_zero_snr",
    "webhook_config", "webhook_reporting_interval", "deepspeed_config", "distillation_method",
    "distillation_config", "local_rank", "ltx_train_mode", "ltx_i2v_prob", "ltx_partial_noise_fraction",
    "ltx_protect_first_frame", "offload_param_path", "offset_noise", "quantize_activations", "refiner_training",
    "refiner_training_invert_schedule", "refiner_training_strength", "sdxl_refiner_uses_full_range",
    "sana_complex_human_instruction", "enable_group_offload", "group_offload_type",
    "group_offload_blocks_per_group", "group_offload_use_stream", "group_offload_to_disk_path",
    "enable_model_cpu_offload", "ramtorch", "ramtorch_target_modules", "ramtorch_text_encoder", "ramtorch_vae",
    "ramtorch_controlnet", "ramtorch_transformer_percent", "musubi_blocks_to_swap", "post_upload_script",
    "post_checkpoint_script", "diff2flow_enabled", "diff2flow_loss", "scheduled_sampling_max_step_offset",
    "scheduled_sampling_strategy", "scheduled_sampling_probability", "scheduled_sampling_prob_start",
    "scheduled_sampling_prob_end", "scheduled_sampling_ramp_steps", "scheduled_sampling_start_step",
    "scheduled_sampling_ramp_shape", "scheduled_sampling_sampler", "scheduled_sampling_order", "crepa_enabled",
    "crepa_block_index", "crepa_lambda", "crepa_adjacent_distance", "crepa_adjacent_tau",
    "crepa_cumulative_neighbors", "crepa_normalize_by_frames", "crepa_spatial_align", "crepa_model",
    "crepa_encoder_image_size", "dynamo_backend", "dynamo_mode", "dynamo_fullgraph", "dynamo_dynamic",
    "dynamo_use_regional_compilation", "num_processes", "num_machines", "accelerate_config",
    "accelerate_extra_args", "enable_xformers_memory_efficient_attention", "enable_chunked_feed_forward",
    "feed_forward_chunk_size", "quantization_config", "text_encoder_batch_size", "text_cache_ondemand",
    "text_cache_disable", "modelspec_comment",
    "deepfloyd_validation_pipeline_mode", "deepfloyd_validation_stage1_model", "deepfloyd_validation_stage2_model",
    "deepfloyd_validation_stage3_mode", "deepfloyd_validation_stage3_model",
    "deepfloyd_validation_stage1_num_inference_steps", "deepfloyd_validation_stage2_num_inference_steps",
    "deepfloyd_validation_stage1_guidance", "deepfloyd_validation_stage2_guidance",
    "deepfloyd_validation_stage3_guidance", "deepfloyd_validation_stage3_noise_level",
    "wan_validation_load_other_stage", "sdxl_validation_pipeline_mode", "sdxl_validation_stage1_model",
    "sdxl_validation_stage2_model", "pixart_validation_pipeline_mode", "pixart_validation_stage1_model",
    "pixart_validation_stage2_model", "ltx2_validation_pipeline_mode", "ltx2_validation_spatial_upsampler_model",
    "ltx2_validation_spatial_upsampler_filename", "sdnq_weights_dtype", "sdnq_quantized_matmul_dtype",
    "sdnq_group_size", "sdnq_use_quantized_matmul", "sdnq_compile_mode", "sdnq_use_static_quantization",
    "sdnq_use_stochastic_rounding", "sdnq_dequantize_fp32", "sdnq_use_svd", "sdnq_svd_rank", "sdnq_svd_steps",
    "sdnq_use_hadamard", "sdnq_hadamard_group_size", "sdnq_modules_to_not_convert",
    "sdnq_modules_to_not_use_matmul", "sdnq_modules_dtype_dict", "sdnq_modules_quant_config", "strict_epoch_limit",
})
OPTIONS_SOURCE = "documentation/OPTIONS.md (read at 00774655); " + ENV_SOURCE
