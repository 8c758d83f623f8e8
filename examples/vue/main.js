// The Vue example: App.vue calls provideAccessManager in its setup, so one AccessManager lives as
// long as the app, kept alive by a token provider (fromEndpoint) that calls `npm start`'s token server.
import { createApp } from 'vue';
import App from './App.vue';

createApp(App).mount('#app');
