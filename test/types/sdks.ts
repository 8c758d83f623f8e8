// The adapters take the published SDKs' objects as they are typed: this file must compile.
import { Client as ConversationsClient } from '@twilio/conversations';
import { SyncClient } from 'twilio-sync';
import { Client as ChatClient } from 'twilio-chat';
import { Device } from '@twilio/voice-sdk';
import { Supervisor, Worker } from 'twilio-taskrouter';
import { AccessManager, type TokenClient } from 'access-token-manager';
import { chat, conversations, sync, taskRouter, voice } from 'access-token-manager/sdks';

declare const manager: AccessManager;
declare const token: string;

const adapters: TokenClient[] = [
  conversations(new ConversationsClient(token)),
  sync(new SyncClient(token)),
  chat(new ChatClient(token)),
  voice(new Device(token)),
  taskRouter(new Worker(token)),
  taskRouter(new Supervisor(token)),
];
for (const adapter of adapters) manager.register(adapter);

// @ts-expect-error a grant name that is no grant
manager.register(adapters[0]!, { requires: 'synch' });
manager.register(adapters[0]!, { requires: ['sync', 'conversations', 'data_sync'] });
manager.register(adapters[0]!, { requires: 'task_router' });
// @ts-expect-error a Voice Device is no TaskRouter Worker
taskRouter(new Device(token));
// @ts-expect-error rtc is the retired grant of Video's beta: no SDK reads it
manager.register(adapters[0]!, { requires: 'rtc' });
