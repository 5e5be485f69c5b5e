// N-API glue for fileio.h (MemFile.fromFile / saveTo), apart from binding.cc
// so the block's own glue stays small. binding.cc calls these three.
#pragma once
#include <napi.h>

#include <memory>

#include "block.h"

namespace memfile {

// Adds loadFile() and saveFile() to the addon's exports.
void InitFileIo(Napi::Env env, Napi::Object exports);
// new Block('adopt', token): the block a loadFile() token carries (once).
std::unique_ptr<Block> TakeLoadedBlock(Napi::Env env, const Napi::Value& token);
// block.saveSource(): what a saveFile() copies, captured now (see SaveSource).
Napi::Value MakeSaveSource(Napi::Env env, Block& block);

}  // namespace memfile
