"""What the bmaltais/kohya_ss GUI does with the keys of its saved JSON configs and presets.

The GUI is a front end over sd-scripts (knowledge/sd_scripts.py): it loads the JSON into its
fields, computes a step count of its own, writes a TOML for sd-scripts and launches the
script its model checkboxes choose. Every default, unit and formula names the file and line
at the pinned commit (shared/domain/trainer-formats.md, section 2; section 10 corrects it).
"""

from ..base import KeyInfo

REPOSITORY = "bmaltais/kohya_ss"
COMMIT = "45088f04af78e11cec5407ff4652ea3ed2c14422"

# a JSON is an overlay: each field takes the file's value or keeps what the GUI shows
LOAD_OVERLAY = "kohya_gui/lora_gui.py:781-802"
# update_my_data: strings turned into numbers on load; what it cannot read becomes 0
UPDATE_MY_DATA = "kohya_gui/common_gui.py:379-509"
# the GUI's own step count: ceil(sum(N x images) / batch / accumulation x epoch x reg_factor)
STEPS_LORA = "kohya_gui/lora_gui.py:1618-1746"
STEPS_DREAMBOOTH = "kohya_gui/dreambooth_gui.py:762-845"
STEPS_FINETUNE = "kohya_gui/finetune_gui.py (train_model: image_num x dataset_repeats, halved with flip_aug)"
# LoRA tab: which learning rates reach sd-scripts, and the unet-only / text-encoder-only switches
LORA_LR_SWITCH = "kohya_gui/lora_gui.py:909-923, 2066-2131"
# LoRA tab: a text-encoder stop is "not yet supported. Ignoring"
LORA_TE_STOP_IGNORED = "kohya_gui/lora_gui.py:1600-1605"
# DreamBooth tab: the stop slider is written unchanged as stop_text_encoder_training (steps for train_db.py)
DREAMBOOTH_TE_STOP = "kohya_gui/dreambooth_gui.py:1081-1083"
STOP_SLIDER = "kohya_gui/class_basic_training.py:386-392"
DREAMBOOTH_TE_LR = "kohya_gui/dreambooth_gui.py:987-990"
# which sd-scripts script the LoRA tab runs: sdxl, else flux1_checkbox, else sd3_checkbox, else SD 1.x/2.x
SCRIPT_CHOICE_LORA = "kohya_gui/lora_gui.py:1779-1791"
# the LoRA and TI tabs drop "", False, None (and so 0) before writing the TOML
LORA_DROPS_FALSY = "kohya_gui/lora_gui.py:2562-2566"
TOML_AND_LAUNCH = "kohya_gui/lora_gui.py:2583-2589"
# accelerate launch gets --num_processes from the field when it is above 0
ACCELERATE_LAUNCH = "kohya_gui/class_accelerate_launch.py (AccelerateLaunch.run_cmd: --num_processes when above 0)"
# additional_parameters is appended to the command line after --config_file: it overrides the TOML
ADDITIONAL_PARAMETERS = "kohya_gui/common_gui.py run_cmd_advanced_training (trainer-formats.md section 10.2)"

# files the GUI counts in each N_name folder (lower-cased name ends with one of these)
GUI_IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})

# update_my_data's conversions (common_gui.py:379-509): int(value), and 0 when int() fails
INT_ON_LOAD = frozenset({
    "clip_skip", "epoch", "gradient_accumulation_steps", "keep_tokens", "lr_warmup", "max_data_loader_n_workers",
    "max_train_epochs", "save_every_n_epochs", "seed", "max_train_steps",
})
# float(value), and 0.0 when float() fails
FLOAT_ON_LOAD = frozenset({"adaptive_noise_scale", "noise_offset", "learning_rate", "text_encoder_lr", "unet_lr"})

_NO_FIXED_DEFAULT = None  # a key missing from the JSON keeps the GUI field's current value (LOAD_OVERLAY)

KEYS: dict[str, KeyInfo] = {
    "LoRA_type": KeyInfo(_NO_FIXED_DEFAULT, "LoRA kind (its presence marks the LoRA tab)", SCRIPT_CHOICE_LORA),
    "sdxl": KeyInfo(_NO_FIXED_DEFAULT, "flag: SDXL script", SCRIPT_CHOICE_LORA),
    "sdxl_checkbox": KeyInfo(_NO_FIXED_DEFAULT, "flag: SDXL script (fine-tune tab)", STEPS_FINETUNE),
    "flux1_checkbox": KeyInfo(_NO_FIXED_DEFAULT, "flag: FLUX.1 script", SCRIPT_CHOICE_LORA),
    "sd3_checkbox": KeyInfo(_NO_FIXED_DEFAULT, "flag: SD3 script", SCRIPT_CHOICE_LORA),
    "v2": KeyInfo(_NO_FIXED_DEFAULT, "flag: Stable Diffusion 2.x", SCRIPT_CHOICE_LORA),
    "max_train_steps": KeyInfo(_NO_FIXED_DEFAULT, "optimizer steps (0 or '': the GUI computes them)", STEPS_LORA),
    "max_train_epochs": KeyInfo(_NO_FIXED_DEFAULT, "epochs for sd-scripts (0 or '': not passed)", STEPS_LORA),
    "epoch": KeyInfo(_NO_FIXED_DEFAULT, "epochs of the GUI's own step count", STEPS_LORA),
    "train_batch_size": KeyInfo(_NO_FIXED_DEFAULT, "images per batch", STEPS_LORA),
    "gradient_accumulation_steps": KeyInfo(_NO_FIXED_DEFAULT, "batches per optimizer step", STEPS_LORA),
    "learning_rate": KeyInfo(_NO_FIXED_DEFAULT, "learning rate", LORA_LR_SWITCH),
    "unet_lr": KeyInfo(_NO_FIXED_DEFAULT, "learning rate (LoRA tab; 0: see LORA_LR_SWITCH)", LORA_LR_SWITCH),
    "text_encoder_lr": KeyInfo(_NO_FIXED_DEFAULT, "learning rate (LoRA tab; 0: see LORA_LR_SWITCH)", LORA_LR_SWITCH),
    "t5xxl_lr": KeyInfo(_NO_FIXED_DEFAULT, "learning rate of the T5XXL (FLUX.1 LoRA)", LORA_LR_SWITCH),
    "learning_rate_te": KeyInfo(_NO_FIXED_DEFAULT, "learning rate (DreamBooth, SD 1.x)", DREAMBOOTH_TE_LR),
    "learning_rate_te1": KeyInfo(_NO_FIXED_DEFAULT, "learning rate (DreamBooth, SDXL)", DREAMBOOTH_TE_LR),
    "learning_rate_te2": KeyInfo(_NO_FIXED_DEFAULT, "learning rate (DreamBooth, SDXL)", DREAMBOOTH_TE_LR),
    "stop_text_encoder_training": KeyInfo(_NO_FIXED_DEFAULT, "labelled percent, used as steps (DreamBooth)",
                                          STOP_SLIDER),
    "stop_text_encoder_training_pct": KeyInfo(_NO_FIXED_DEFAULT, "percent (older LoRA presets)", LORA_TE_STOP_IGNORED),
    "train_text_encoder": KeyInfo(_NO_FIXED_DEFAULT, "flag (fine-tune tab)", STEPS_FINETUNE),
    "train_data_dir": KeyInfo(_NO_FIXED_DEFAULT, "folder of N_name subfolders", STEPS_LORA),
    "reg_data_dir": KeyInfo(_NO_FIXED_DEFAULT, "folder of N_name subfolders (doubles the GUI's steps)", STEPS_LORA),
    "dataset_config": KeyInfo(_NO_FIXED_DEFAULT, "sd-scripts dataset config (the GUI then counts nothing)",
                              STEPS_LORA),
    "image_folder": KeyInfo(_NO_FIXED_DEFAULT, "folder of images (fine-tune tab)", STEPS_FINETUNE),
    "dataset_repeats": KeyInfo(_NO_FIXED_DEFAULT, "repeats (fine-tune tab)", STEPS_FINETUNE),
    "flip_aug": KeyInfo(_NO_FIXED_DEFAULT, "flag (halves the fine-tune tab's steps)", STEPS_FINETUNE),
    "optimizer": KeyInfo(_NO_FIXED_DEFAULT, "optimizer name (written as optimizer_type)", TOML_AND_LAUNCH),
    "num_processes": KeyInfo(_NO_FIXED_DEFAULT, "processes (GPUs) accelerate starts; 0: accelerate's config",
                             ACCELERATE_LAUNCH),
    "additional_parameters": KeyInfo("", "command-line flags appended after the TOML", ADDITIONAL_PARAMETERS),
    "token_string": KeyInfo(_NO_FIXED_DEFAULT, "textual inversion token (marks the TI tab)", LOAD_OVERLAY),
    "num_vectors_per_token": KeyInfo(_NO_FIXED_DEFAULT, "textual inversion vectors (marks the TI tab)", LOAD_OVERLAY),
}

# the names of the GUI's fields (save_configuration / open_configuration parameters of lora_gui.py,
# dreambooth_gui.py, finetune_gui.py and textual_inversion_gui.py), plus the old names update_my_data
# still maps (use_8bit_adam, lora_network_weights, use_wandb) and stop_text_encoder_training_pct of
# older LoRA presets; the GUI ignores every other key of a JSON it loads
ACCEPTED_KEYS = frozenset({
    "adaptive_noise_scale", "additional_parameters", "ae", "apply_t5_attn_mask", "async_upload", "batch_size",
    "block_alphas", "block_dims", "block_lr", "block_lr_zero_threshold", "blocks_to_swap",
    "blockwise_fused_optimizers", "bucket_no_upscale", "bucket_reso_steps", "bypass_mode", "cache_latents",
    "cache_latents_to_disk", "caption_dropout_every_n_epochs", "caption_dropout_rate", "caption_extension",
    "caption_metadata_filename", "clip_g", "clip_l", "clip_skip", "color_aug", "constrain", "conv_alpha",
    "conv_block_alphas", "conv_block_dims", "conv_dim", "cpu_offload_checkpointing", "create_buckets",
    "create_caption", "dataset_config", "dataset_repeats", "debiased_estimation_loss", "decompose_both",
    "dim_from_weights", "disable_mmap_load_safetensors", "discrete_flow_shift", "dora_wd", "double_blocks_to_swap",
    "down_lr_weight", "dynamo_backend", "dynamo_mode", "dynamo_use_dynamic", "dynamo_use_fullgraph",
    "enable_bucket", "epoch", "extra_accelerate_launch_args", "factor", "flip_aug",
    "flux1_cache_text_encoder_outputs", "flux1_cache_text_encoder_outputs_to_disk", "flux1_checkbox",
    "flux1_clip_l", "flux1_t5xxl", "flux_fused_backward_pass", "fp8_base", "fp8_base_unet", "full_bf16",
    "full_fp16", "full_path", "fused_backward_pass", "fused_optimizer_groups", "generate_caption_database",
    "generate_image_buckets", "gpu_ids", "gradient_accumulation_steps", "gradient_checkpointing", "guidance_scale",
    "highvram", "huber_c", "huber_scale", "huber_schedule", "huggingface_path_in_repo", "huggingface_repo_id",
    "huggingface_repo_type", "huggingface_repo_visibility", "huggingface_token", "image_folder", "init_word",
    "ip_noise_gamma", "ip_noise_gamma_random_strength", "keep_tokens", "latent_metadata_filename", "learning_rate",
    "learning_rate_te", "learning_rate_te1", "learning_rate_te2", "log_config", "log_tracker_config",
    "log_tracker_name", "log_with", "logging_dir", "logit_mean", "logit_std", "lora_network_weights", "LoRA_type",
    "loraplus_lr_ratio", "loraplus_text_encoder_lr_ratio", "loraplus_unet_lr_ratio", "loss_type", "lowvram",
    "lr_scheduler", "lr_scheduler_args", "lr_scheduler_num_cycles", "lr_scheduler_power", "lr_scheduler_type",
    "lr_warmup", "lr_warmup_steps", "LyCORIS_preset", "main_process_port", "masked_loss", "max_bucket_reso",
    "max_data_loader_n_workers", "max_grad_norm", "max_resolution", "max_timestep", "max_token_length",
    "max_train_epochs", "max_train_steps", "mem_eff_attn", "mem_eff_save", "metadata_author",
    "metadata_description", "metadata_license", "metadata_tags", "metadata_title", "mid_lr_weight",
    "min_bucket_reso", "min_snr_gamma", "min_timestep", "mixed_precision", "mode_scale", "model_list",
    "model_prediction_type", "module_dropout", "multi_gpu", "multires_noise_discount", "multires_noise_iterations",
    "network_alpha", "network_dim", "network_dropout", "network_weights", "no_token_padding", "noise_offset",
    "noise_offset_random_strength", "noise_offset_type", "num_cpu_threads_per_process", "num_machines",
    "num_processes", "num_vectors_per_token", "optimizer", "optimizer_args", "output_dir", "output_name",
    "persistent_data_loader_workers", "pretrained_model_name_or_path", "prior_loss_weight", "random_crop",
    "rank_dropout", "rank_dropout_scale", "reg_data_dir", "rescaled", "resume", "resume_from_huggingface",
    "sample_every_n_epochs", "sample_every_n_steps", "sample_prompts", "sample_sampler", "save_as_bool",
    "save_clip", "save_every_n_epochs", "save_every_n_steps", "save_last_n_epochs", "save_last_n_epochs_state",
    "save_last_n_steps", "save_last_n_steps_state", "save_model_as", "save_precision", "save_state",
    "save_state_on_train_end", "save_state_to_huggingface", "save_t5xxl", "scale_v_pred_loss_like_noise_pred",
    "scale_weight_norms", "sd3_cache_text_encoder_outputs", "sd3_cache_text_encoder_outputs_to_disk",
    "sd3_checkbox", "sd3_fused_backward_pass", "sd3_text_encoder_batch_size", "sdxl",
    "sdxl_cache_text_encoder_outputs", "sdxl_checkbox", "sdxl_no_half_vae", "seed", "shuffle_caption",
    "single_blocks_to_swap", "skip_cache_check", "split_mode", "split_qkv", "stop_text_encoder_training",
    "stop_text_encoder_training_pct", "t5xxl", "t5xxl_device", "t5xxl_dtype", "t5xxl_lr", "t5xxl_max_token_length",
    "template", "text_encoder_lr", "timestep_sampling", "token_string", "train_batch_size", "train_blocks",
    "train_data_dir", "train_dir", "train_norm", "train_on_input", "train_text_encoder", "training_comment",
    "training_preset", "unet_lr", "unit", "up_lr_weight", "use_8bit_adam", "use_cp", "use_latent_files",
    "use_scalar", "use_tucker", "use_wandb", "v2", "v_parameterization", "v_pred_like_loss", "vae",
    "vae_batch_size", "wandb_api_key", "wandb_run_name", "weighted_captions", "weighting_scheme", "weights",
    "xformers",
})

# keys that say which tab saved a file (section 2, "Files and loading")
TI_KEYS = ("token_string", "num_vectors_per_token", "init_word")
FINETUNE_KEYS = ("image_folder", "dataset_repeats", "train_dir", "sdxl_checkbox", "use_latent_files")

# detection: keys the GUI writes into nearly every file and other trainers do not use
SIGNATURE_KEYS = (
    "LoRA_type", "lr_warmup", "max_resolution", "optimizer_args", "keep_tokens", "shuffle_caption",
    "caption_dropout_rate", "save_model_as", "num_cpu_threads_per_process", "stop_text_encoder_training",
    "mem_eff_attn", "max_token_length", "bucket_reso_steps", "xformers", "cache_latents", "v_parameterization",
    "epoch", "max_train_epochs", "gradient_checkpointing", "noise_offset", "caption_extension",
)
